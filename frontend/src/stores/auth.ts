import { create } from "zustand";

import type { components } from "@/lib/api-schema";

type TokenOut = components["schemas"]["TokenOut"];
type User = components["schemas"]["UserOut"];

/**
 * - `loading`: the start-up check (`GET /api/auth/setup`, then a silent refresh) is running
 * - `error`: that check could not reach the server (see `bootError`)
 * - `setup`: no user exists yet: the first-run page
 * - `anonymous`: no session: the login page
 * - `authenticated`: `accessToken` and `user` are set
 */
export type AuthStatus = "loading" | "error" | "setup" | "anonymous" | "authenticated";

/** Why the last session ended, for the login page: nothing is said after a plain start-up. */
export type EndReason = "logout" | "logout_unconfirmed" | "expired";

interface AuthState {
  status: AuthStatus;
  accessToken: string | null;
  user: User | null;
  /** `Date.now()` milliseconds at which the access token expires (from `expires_in`, so clock skew does not matter). */
  expiresAt: number | null;
  endReason: EndReason | null;
  /** A message for the login page from elsewhere (e.g. the first-run page's 409 `setup_done`). */
  notice: string | null;
  bootError: string | null;
  /**
   * Bumped whenever a session starts or ends. A refresh that started in an older epoch
   * (e.g. before a logout) must not bring its session back.
   */
  epoch: number;
  setSession: (token: TokenOut) => void;
  setUser: (user: User) => void;
  clear: (reason: EndReason | null, notice?: string | null) => void;
  needSetup: () => void;
  startLoading: () => void;
  failBoot: (message: string) => void;
}

/** The session, in memory only: a reload starts again from the refresh cookie. */
export const useAuthStore = create<AuthState>()((set) => ({
  status: "loading",
  accessToken: null,
  user: null,
  expiresAt: null,
  endReason: null,
  notice: null,
  bootError: null,
  epoch: 0,
  setSession: (token) =>
    set((state) => ({
      status: "authenticated",
      accessToken: token.access_token,
      user: token.user,
      expiresAt: Date.now() + token.expires_in * 1000,
      endReason: null,
      notice: null,
      bootError: null,
      epoch: state.status === "authenticated" ? state.epoch : state.epoch + 1,
    })),
  setUser: (user) => set((state) => (state.status === "authenticated" ? { user } : {})),
  clear: (reason, notice = null) =>
    set((state) => ({
      status: "anonymous",
      accessToken: null,
      user: null,
      expiresAt: null,
      endReason: reason,
      notice,
      bootError: null,
      epoch: state.epoch + 1,
    })),
  needSetup: () =>
    set((state) => ({ status: "setup", accessToken: null, user: null, expiresAt: null, epoch: state.epoch + 1 })),
  startLoading: () => set({ status: "loading", bootError: null }),
  failBoot: (message) => set({ status: "error", bootError: message }),
}));

export const isLoggedIn = () => useAuthStore.getState().status === "authenticated";
