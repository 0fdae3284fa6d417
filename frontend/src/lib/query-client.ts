import { QueryClient, type DefaultOptions } from "@tanstack/react-query";

import { ApiError } from "@/lib/api-client";

const MAX_RETRIES = 2;
// A rate limit passes by itself: keep asking (after each Retry-After) well beyond MAX_RETRIES.
const MAX_RATE_LIMITED_RETRIES = 20;

/** A 429: the server asks to be left alone for `retryAfter` seconds, then it answers again. */
export function isRateLimited(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 429;
}

/** Whether a failed query asks again: after a rate limit yes, after another 4xx no (it will not get better). */
export function shouldRetryQuery(failureCount: number, error: Error): boolean {
  if (isRateLimited(error)) return failureCount < MAX_RATE_LIMITED_RETRIES;
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < MAX_RETRIES;
}

/** Milliseconds before the next attempt: a 429's Retry-After, else TanStack Query's own backoff. */
export function queryRetryDelay(failureCount: number, error: Error): number {
  if (isRateLimited(error)) return (error.retryAfter ?? 10) * 1000;
  return Math.min(1000 * 2 ** failureCount, 30_000);
}

export const queryDefaults: DefaultOptions = {
  queries: {
    // Live changes arrive over socket.io, so background refetching can be lazy.
    staleTime: 30_000,
    retry: shouldRetryQuery,
    retryDelay: queryRetryDelay,
  },
  // A mutation is a person's action: never repeated behind their back (its error says how long to wait).
  mutations: { retry: false },
};

export const queryClient = new QueryClient({ defaultOptions: queryDefaults });
