import type { Location } from "react-router-dom";

/** Router state of the login page: where to go afterwards. */
export interface LoginState {
  from?: Pick<Location, "pathname" | "search" | "hash">;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** The in-app path a redirect to /login came from ("/" when none, or when it is not a safe local path). */
export function returnPath(state: unknown): string {
  if (!isObject(state) || !isObject(state.from)) return "/";
  const { pathname, search, hash } = state.from;
  if (typeof pathname !== "string" || !pathname.startsWith("/") || pathname.startsWith("//")) return "/";
  if (pathname === "/login" || pathname === "/setup") return "/";
  return pathname + (typeof search === "string" ? search : "") + (typeof hash === "string" ? hash : "");
}
