import type { ReactElement } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";

import { useAuthStore } from "@/stores/auth";

/** A query cache that does not retry: a failure shows at once. */
export const testQueryClient = () => new QueryClient({ defaultOptions: { queries: { retry: false } } });

/** Signed in as Ada, with `client` (a fresh one unless the test has filled one first). */
export function renderSignedIn(ui: ReactElement, client: QueryClient = testQueryClient()) {
  useAuthStore.getState().setSession({
    access_token: "t",
    token_type: "bearer",
    expires_in: 900,
    user: { id: 1, email: "ada@example.com", totp_enabled: false },
  });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}
