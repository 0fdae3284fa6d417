import { HttpResponse, type JsonBodyType } from "msw";

/**
 * An MSW resolver that answers the first request with a 429 (`Retry-After: 1`), as the
 * server's rate limit does, and every later one with `body`.
 */
export function rateLimitedOnce(body: JsonBodyType) {
  let asked = 0;
  return () => {
    asked += 1;
    if (asked === 1) {
      const error = { error: { code: "rate_limited", message: "too many requests; slow down" } };
      return HttpResponse.json(error, { status: 429, headers: { "Retry-After": "1" } });
    }
    return HttpResponse.json(body);
  };
}
