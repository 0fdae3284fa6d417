import { ApiError, publicApi, refreshSession, unwrap } from "@/lib/api-client";
import { queryClient } from "@/lib/query-client";
import { useAuthStore, type EndReason } from "@/stores/auth";

/** Refresh this long before the access token expires (or halfway, for short-lived tokens). */
const REFRESH_LEAD_S = 60;
/** After a refresh failed for a reason other than the session (network, server error). */
const REFRESH_RETRY_MS = 30_000;
// setTimeout overflows past 2^31 - 1 ms.
const MAX_DELAY_MS = 2_147_483_647;

let bootstrapping: Promise<void> | null = null;

async function bootstrap(): Promise<void> {
  const store = useAuthStore.getState();
  store.startLoading();
  try {
    const { needed } = await unwrap(publicApi.GET("/api/auth/setup"));
    if (needed) {
      useAuthStore.getState().needSetup();
      return;
    }
    // A 401 here only means "not logged in": refreshSession has set `anonymous` already.
    await refreshSession().catch((error: unknown) => {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    });
  } catch (error) {
    bootstrapping = null; // let "Try again" start over
    useAuthStore.getState().failBoot(error instanceof Error ? error.message : "Cannot start the session.");
  }
}

/**
 * Once per page: first run or not, then a silent refresh from the cookie. Idempotent, so
 * StrictMode's double effects cannot spend the refresh cookie twice.
 */
export function startSession(): Promise<void> {
  installSessionEffects(); // before the first token arrives, so its refresh gets scheduled
  bootstrapping ??= bootstrap();
  return bootstrapping;
}

// ---------------------------------------------------------------------------------------------
// Proactive refresh, so requests rarely meet an expired token.

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

function schedule(delayMs: number): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshInBackground(), Math.min(Math.max(delayMs, 1_000), MAX_DELAY_MS));
}

async function refreshInBackground(): Promise<void> {
  if (useAuthStore.getState().status !== "authenticated") return;
  try {
    await refreshSession(); // reschedules through the store subscription below
  } catch (error) {
    if (useAuthStore.getState().status !== "authenticated") return; // 401: the session is over
    const retryAfter = error instanceof ApiError ? error.retryAfter : null;
    schedule(retryAfter !== null ? retryAfter * 1000 : REFRESH_RETRY_MS);
  }
}

function scheduleFor(expiresAt: number | null): void {
  if (expiresAt === null) {
    clearTimeout(refreshTimer);
    return;
  }
  const lifetimeS = (expiresAt - Date.now()) / 1000;
  const leadS = Math.min(REFRESH_LEAD_S, lifetimeS / 2);
  schedule((lifetimeS - leadS) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Logout, here and in the other tabs of this browser (they share the refresh cookie).

const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("mcc-auth");

/** End the session locally: drop the token and every cached answer (they belong to the user). */
function endSession(reason: EndReason): void {
  if (useAuthStore.getState().status === "authenticated") useAuthStore.getState().clear(reason);
}

/** Revoke the refresh cookie on the server, then forget the session in every tab. */
export async function logout(): Promise<void> {
  let confirmed = true;
  try {
    // Cookie-based: no bearer needed, so an expired access token cannot get in the way.
    await publicApi.POST("/api/auth/logout");
  } catch {
    // Logged out here anyway; the login page says the server did not confirm it.
    confirmed = false;
  }
  endSession(confirmed ? "logout" : "logout_unconfirmed");
  channel?.postMessage("logout");
}

let started = false;

/** Wire the session to the rest of the app: timers, cache, other tabs. Once per page. */
export function installSessionEffects(): void {
  if (started) return;
  started = true;
  useAuthStore.subscribe((state, previous) => {
    if (state.expiresAt !== previous.expiresAt) scheduleFor(state.expiresAt);
    // Leaving a session (or entering another): nothing cached may outlive its user.
    if (state.epoch !== previous.epoch && previous.status === "authenticated") queryClient.clear();
  });
  scheduleFor(useAuthStore.getState().expiresAt);
  channel?.addEventListener("message", (event: MessageEvent) => {
    if (event.data === "logout") endSession("logout");
  });
}
