import { useEffect } from "react";
import { Loader2 } from "lucide-react";
import { Navigate, Outlet, useLocation } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { FormError } from "@/components/form-error";
import { startSession } from "@/lib/session";
import { useAuthStore } from "@/stores/auth";

/**
 * The root route: starts the session (first run? else a silent refresh) and holds every
 * page back until that is known. First run sends everything to /setup.
 */
export function AuthRoot() {
  const status = useAuthStore((state) => state.status);
  const bootError = useAuthStore((state) => state.bootError);
  const { pathname } = useLocation();

  useEffect(() => {
    void startSession();
  }, []);

  if (status === "loading") {
    return (
      <main id="main" className="flex min-h-screen items-center justify-center bg-background p-4">
        <p className="flex items-center gap-2 text-sm text-muted-foreground" aria-busy="true">
          <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
          Starting Mission Control…
        </p>
      </main>
    );
  }
  if (status === "error") {
    return (
      <main id="main" className="flex min-h-screen items-center justify-center bg-background p-4">
        <div className="grid w-full max-w-sm gap-3 text-center">
          <h1 className="text-xl font-semibold">Mission Control cannot start</h1>
          <FormError message={bootError} />
          <div>
            <Button onClick={() => void startSession()}>Try again</Button>
          </div>
        </div>
      </main>
    );
  }
  if (status === "setup" && pathname !== "/setup") return <Navigate to="/setup" replace />;
  return <Outlet />;
}
