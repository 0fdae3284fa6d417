import { Navigate } from "react-router-dom";

import { AuthPage } from "@/features/auth/components/auth-page";
import { SetupForm } from "@/features/auth/components/setup-form";
import { useAuthStore } from "@/stores/auth";

/** First run: only while no user exists (GET /api/auth/setup said so). */
export function SetupRoute() {
  const status = useAuthStore((state) => state.status);

  // After setup the session starts ("/" then); on 409 `setup_done` the login page follows with its message.
  if (status !== "setup") return <Navigate to="/" replace />;
  return (
    <AuthPage
      title="Create the first account"
      description="MCC has no users yet. This account will own the projects you register."
    >
      <SetupForm onSetupDone={(error) => useAuthStore.getState().clear(null, error.message)} />
    </AuthPage>
  );
}
