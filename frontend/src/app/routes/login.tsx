import { Navigate, useLocation } from "react-router-dom";

import { AuthPage } from "@/features/auth/components/auth-page";
import { LoginForm } from "@/features/auth/components/login-form";
import { Notice } from "@/features/auth/components/notice";
import { useAuthStore, type EndReason } from "@/stores/auth";
import { returnPath } from "./return-path";

const END_NOTICES: Record<EndReason, string | null> = {
  logout: null,
  logout_unconfirmed:
    "You are logged out here, but the server could not be reached to end the session. Log in and out again once it is back.",
  expired: "Your session has ended. Log in again to continue.",
};

export function LoginRoute() {
  const status = useAuthStore((state) => state.status);
  const endReason = useAuthStore((state) => state.endReason);
  const storeNotice = useAuthStore((state) => state.notice);
  const location = useLocation();

  if (status === "authenticated") return <Navigate to={returnPath(location.state)} replace />;
  const notice = storeNotice ?? (endReason ? END_NOTICES[endReason] : null);
  return (
    <AuthPage title="Log in" description="Mission Control Center">
      <div className="grid gap-4">
        {notice && <Notice>{notice}</Notice>}
        <LoginForm />
      </div>
    </AuthPage>
  );
}
