import { QueryClient } from "@tanstack/react-query";

import { ApiError } from "@/lib/api-client";

const MAX_RETRIES = 2;

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live changes arrive over socket.io, so background refetching can be lazy.
      staleTime: 30_000,
      // A 4xx will not get better by asking again.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < MAX_RETRIES,
    },
  },
});
