import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import { useAuthStore } from "@/stores/auth";
import { api, ApiError, errorMessage } from "./api-client";

const user = { id: 1, email: "ada@example.com", totp_enabled: false };
const token = (access_token: string) => ({ access_token, token_type: "bearer" as const, expires_in: 900, user });
const refused = (code: string) =>
  HttpResponse.json({ error: { code, message: "the access token expired; refresh it" } }, { status: 401 });

/** A project list that only the bearer of `valid` may read; counts what reached the server. */
function projectsFor(valid: string, seen: string[]) {
  return http.get(`${API}/api/projects`, ({ request }) => {
    const bearer = request.headers.get("Authorization") ?? "";
    seen.push(bearer);
    return bearer === `Bearer ${valid}` ? HttpResponse.json([{ id: 7 }]) : refused("token_invalid");
  });
}

beforeEach(() => {
  useAuthStore.getState().clear(null);
  useAuthStore.getState().setSession(token("old"));
});

describe("the API client", () => {
  it("refreshes an access token the server refused and retries the request once", async () => {
    const seen: string[] = [];
    let refreshes = 0;
    server.use(
      projectsFor("new", seen),
      http.post(`${API}/api/auth/refresh`, () => {
        refreshes += 1;
        return HttpResponse.json(token("new"));
      }),
    );

    await expect(api.get("/api/projects")).resolves.toEqual([{ id: 7 }]);
    expect(seen).toEqual(["Bearer old", "Bearer new"]);
    expect(refreshes).toBe(1);
    expect(useAuthStore.getState().accessToken).toBe("new");
  });

  it("shares one refresh among requests refused at the same time", async () => {
    const seen: string[] = [];
    let refreshes = 0;
    server.use(
      projectsFor("new", seen),
      http.post(`${API}/api/auth/refresh`, async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return HttpResponse.json(token("new"));
      }),
    );

    const answers = await Promise.all([api.get("/api/projects"), api.get("/api/projects"), api.get("/api/projects")]);
    expect(answers).toEqual([[{ id: 7 }], [{ id: 7 }], [{ id: 7 }]]);
    expect(refreshes).toBe(1);
  });

  it("ends the session when the refresh is refused too, and says so", async () => {
    server.use(
      projectsFor("never", []),
      http.post(`${API}/api/auth/refresh`, () => refused("token_invalid")),
    );

    const error = await api.get("/api/projects").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    const state = useAuthStore.getState();
    expect(state.status).toBe("anonymous");
    expect(state.endReason).toBe("expired");
    expect(state.accessToken).toBeNull();
  });

  it("does not take a wrong 2FA code for an ended session", async () => {
    let refreshes = 0;
    server.use(
      http.post(`${API}/api/auth/2fa/disable`, () =>
        HttpResponse.json({ error: { code: "invalid_totp", message: "That code is not valid." } }, { status: 401 }),
      ),
      http.post(`${API}/api/auth/refresh`, () => {
        refreshes += 1;
        return HttpResponse.json(token("new"));
      }),
    );

    await expect(api.post("/api/auth/2fa/disable", { code: "000000" })).rejects.toMatchObject({
      status: 401,
      code: "invalid_totp",
      message: "That code is not valid.",
    });
    expect(refreshes).toBe(0);
    expect(useAuthStore.getState().status).toBe("authenticated");
  });

  it("waits out a 429's Retry-After without asking the server again", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/api/budget/limits`, () => {
        calls += 1;
        return HttpResponse.json(
          { error: { code: "rate_limited", message: "too many requests; slow down" } },
          { status: 429, headers: { "Retry-After": "30" } },
        );
      }),
    );

    const first = await api.get("/api/budget/limits").catch((e: unknown) => e);
    expect(first).toMatchObject({ status: 429, retryAfter: 30 });
    expect(errorMessage(first as ApiError)).toBe("too many requests; slow down (wait 30 s)");
    const second = await api.get("/api/budget/limits").catch((e: unknown) => e);
    expect(second).toMatchObject({ status: 429, code: "rate_limited" });
    expect(calls).toBe(1);
    // Other requests are not held back by this one's cool-down.
    server.use(http.get(`${API}/api/projects`, () => HttpResponse.json([])));
    await expect(api.get("/api/projects")).resolves.toEqual([]);
  });
});
