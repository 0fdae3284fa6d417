import createClient from "openapi-fetch";

import type { components, paths } from "@/lib/api-schema";
import { useAuthStore } from "@/stores/auth";

type ErrorBody = components["schemas"]["ErrorOut"]["error"];
type TokenOut = components["schemas"]["TokenOut"];

/** An HTTP error from the API, carrying the server's `{error: {code, message}}` body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before asking again (a 429's `Retry-After`), else null. */
  readonly retryAfter: number | null;
  /** The parsed JSON body, when there was one (a 503 from /api/health still says what is down). */
  readonly payload: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    retryAfter: number | null = null,
    payload: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.payload = payload;
  }
}

/** The message to show for a failed request; a rate limit says when to try again. */
export function errorMessage(error: Error | null | undefined): string | null {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 429 && error.retryAfter !== null) {
    return `${error.message} (wait ${error.retryAfter} s)`;
  }
  return error.message;
}

/** 401 codes that mean "the access token is not (or no longer) good", as opposed to a wrong password or code. */
const SESSION_ERRORS = new Set(["token_invalid", "unauthorized"]);
/** Refresh before a request when the access token has less than this left. */
const EXPIRY_MARGIN_MS = 5_000;

function errorBodyOf(payload: unknown): ErrorBody | null {
  if (typeof payload !== "object" || payload === null || !("error" in payload)) return null;
  const error: unknown = payload.error;
  if (typeof error !== "object" || error === null) return null;
  if (!("code" in error) || !("message" in error)) return null;
  const { code, message } = error;
  return typeof code === "string" && typeof message === "string" ? { code, message } : null;
}

/** `Retry-After` in seconds: either delta-seconds or an HTTP date. */
function retryAfterOf(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (!header) return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : null;
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON (e.g. a proxy's HTML error page): fall back to the status line below.
  }
  const retryAfter = response.status === 429 ? retryAfterOf(response) : null;
  const body = errorBodyOf(payload);
  if (body) return new ApiError(response.status, body.code, body.message, retryAfter, payload);
  const statusLine = `${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, "http_error", `Request failed: ${statusLine}`, retryAfter, payload);
}

const sessionEnded = () => new ApiError(401, "unauthorized", "Your session has ended. Log in again.");

// ---------------------------------------------------------------------------------------------
// Rate limits: after a 429 the same request fails here, without the network, until Retry-After
// has passed. Keyed by method and path, because the login limit (failed attempts per account)
// must not block the rest of the app, while the per-IP limit shows up on whatever is asked next.

const cooldowns = new Map<string, { until: number; error: ApiError }>();

function checkCooldown(key: string): void {
  const cooldown = cooldowns.get(key);
  if (!cooldown) return;
  const left = cooldown.until - Date.now();
  if (left <= 0) {
    cooldowns.delete(key);
    return;
  }
  const { code, message } = cooldown.error;
  throw new ApiError(429, code, message, Math.ceil(left / 1000));
}

function startCooldown(key: string, error: ApiError): void {
  cooldowns.set(key, { until: Date.now() + (error.retryAfter ?? 10) * 1000, error });
}

// ---------------------------------------------------------------------------------------------
// Transport: what every request goes through, given to openapi-fetch as its `fetch`. It throws
// ApiError for every failure, so callers only ever see successful answers.

/** Send `request` (with `token` as its bearer), after the cool-down check; a 429 starts one. */
async function send(request: Request, token: string | null): Promise<Response> {
  const url = new URL(request.url);
  const key = `${request.method} ${url.pathname}${url.search}`;
  checkCooldown(key);
  const headers = new Headers(request.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(new Request(request, { headers }));
  } catch {
    throw new ApiError(0, "network_error", "Cannot reach the MCC server. Is it running?");
  }
  if (response.status === 429) {
    const error = await toApiError(response);
    startCooldown(key, error);
    throw error;
  }
  return response;
}

async function succeeded(response: Response): Promise<Response> {
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** Requests that need no session (login, setup, refresh, logout, health): no token, no refresh. */
async function sendAnonymous(request: Request): Promise<Response> {
  return succeeded(await send(request, null));
}

/** Requests with the access token: on a 401 about the token, refresh once and retry once. */
async function sendWithBearer(request: Request): Promise<Response> {
  const again = request.clone(); // a body can be sent only once
  const token = await freshAccessToken();
  const response = await send(request, token);
  if (response.status !== 401) return succeeded(response);
  const error = await toApiError(response);
  if (!SESSION_ERRORS.has(error.code)) throw error; // e.g. invalid_totp: the user's input, not the session

  const retry = await send(again, await tokenAfter(token));
  if (retry.status === 401) {
    const refused = await toApiError(retry);
    // A token fresh from /refresh refused as well: the session is not usable.
    if (SESSION_ERRORS.has(refused.code) && useAuthStore.getState().status === "authenticated") {
      useAuthStore.getState().clear("expired");
    }
    throw refused;
  }
  return succeeded(retry);
}

const clientOptions = {
  // Same origin; spelled out because Request needs an absolute URL outside a page (unit tests).
  baseUrl: globalThis.location?.origin ?? "",
  headers: { Accept: "application/json" },
  // The refresh cookie (httpOnly, path /api/auth) goes along by itself on same-origin requests.
  credentials: "same-origin",
} as const;

/** The typed client of `/api` (paths, parameters and bodies from the OpenAPI schema), with the session's bearer token. */
export const api = createClient<paths>({ ...clientOptions, fetch: sendWithBearer });

/** The same without a token, for the calls made outside a session: login, setup, refresh, logout and health. */
export const publicApi = createClient<paths>({ ...clientOptions, fetch: sendAnonymous });

/**
 * The body of a successful answer. Failures never get here (the transport throws ApiError),
 * so an answer without a body is one the schema did not announce.
 */
export async function unwrap<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (data === undefined) throw new ApiError(response.status, "empty_response", "The server sent an empty answer.");
  return data;
}

// ---------------------------------------------------------------------------------------------
// Session refresh

let refreshing: Promise<TokenOut> | null = null;

/**
 * Serialise refreshes across tabs: they share one refresh cookie, and the server revokes the
 * whole session family when a refresh token is spent twice. (Within a tab, `refreshing` does it.)
 */
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  // The DOM typings nest the promise (Promise<Promise<T>>); the lock resolves with the task's value.
  return locks ? (locks.request("mcc-auth-refresh", task) as Promise<T>) : task();
}

async function runRefresh(): Promise<TokenOut> {
  const { epoch, status } = useAuthStore.getState();
  let token: TokenOut;
  try {
    token = await withRefreshLock(() => unwrap(publicApi.POST("/api/auth/refresh")));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && useAuthStore.getState().epoch === epoch) {
      useAuthStore.getState().clear(status === "authenticated" ? "expired" : null);
    }
    throw error;
  }
  // Logged out (or in again) while this was on the wire: do not resurrect the old session.
  if (useAuthStore.getState().epoch !== epoch) throw sessionEnded();
  useAuthStore.getState().setSession(token);
  return token;
}

/**
 * Trade the refresh cookie for a new access token (and a rotated cookie). Single-flight:
 * concurrent callers share one request. A 401 ends the session (the login page follows);
 * a network error or a 429 leaves it alone and rejects.
 */
export function refreshSession(): Promise<TokenOut> {
  refreshing ??= runRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The access token to send now, refreshed first when it is about to expire; throws without a session. */
export async function freshAccessToken(): Promise<string> {
  const { status, accessToken, expiresAt } = useAuthStore.getState();
  if (status !== "authenticated" || !accessToken) throw sessionEnded();
  if (refreshing || (expiresAt !== null && expiresAt - Date.now() < EXPIRY_MARGIN_MS)) {
    return (await refreshSession()).access_token;
  }
  return accessToken;
}

/** After `rejected` got a 401: a newer token if one arrived meanwhile, else the result of one refresh. */
async function tokenAfter(rejected: string): Promise<string> {
  const { status, accessToken } = useAuthStore.getState();
  if (status !== "authenticated") throw sessionEnded();
  if (accessToken && accessToken !== rejected && !refreshing) return accessToken;
  return (await refreshSession()).access_token;
}
