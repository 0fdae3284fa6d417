import type { ReactElement } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";

import { useAuthStore } from "@/stores/auth";

/** Signed in as Ada, with a fresh query cache (no retries: a failure shows at once). */
export function renderSignedIn(ui: ReactElement) {
  useAuthStore.getState().setSession({
    access_token: "t",
    token_type: "bearer",
    expires_in: 900,
    user: { id: 1, email: "ada@example.com", totp_enabled: false },
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}
