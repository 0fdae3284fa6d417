import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { useAuthStore } from "@/stores/auth";
import type { LoginState } from "./routes/return-path";

/** Protected pages: without a session, go to /login and come back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useAuthStore((state) => state.status);
  const endReason = useAuthStore((state) => state.endReason);
  const location = useLocation();

  if (status === "authenticated") return <>{children}</>;
  // After "Log out" the next login starts at the projects, not at the page one left from.
  const state: LoginState = endReason === "logout" || endReason === "logout_unconfirmed" ? {} : { from: location };
  return <Navigate to="/login" replace state={state} />;
}
