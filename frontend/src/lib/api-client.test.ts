import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import { useAuthStore } from "@/stores/auth";
import { api, ApiError, errorMessage, publicApi, unwrap } from "./api-client";

const user = { id: 1, email: "ada@example.com", totp_enabled: false };
const token = (access_token: string, expires_in = 900) => ({
  access_token,
  token_type: "bearer" as const,
  expires_in,
  user,
});
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

    await expect(unwrap(api.GET("/api/projects"))).resolves.toEqual([{ id: 7 }]);
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

    const answers = await Promise.all([
      unwrap(api.GET("/api/projects")),
      unwrap(api.GET("/api/projects")),
      unwrap(api.GET("/api/projects")),
    ]);
    expect(answers).toEqual([[{ id: 7 }], [{ id: 7 }], [{ id: 7 }]]);
    expect(refreshes).toBe(1);
  });

  it("ends the session when the refresh is refused too, and says so", async () => {
    server.use(
      projectsFor("never", []),
      http.post(`${API}/api/auth/refresh`, () => refused("token_invalid")),
    );

    const error = await unwrap(api.GET("/api/projects")).catch((e: unknown) => e);
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
      http.post(`${API}/api/auth/totp/disable`, () =>
        HttpResponse.json({ error: { code: "invalid_totp", message: "That code is not valid." } }, { status: 401 }),
      ),
      http.post(`${API}/api/auth/refresh`, () => {
        refreshes += 1;
        return HttpResponse.json(token("new"));
      }),
    );

    await expect(
      api.POST("/api/auth/totp/disable", { body: { password: "secret", code: "000000" } }),
    ).rejects.toMatchObject({
      status: 401,
      code: "invalid_totp",
      message: "That code is not valid.",
    });
    expect(refreshes).toBe(0);
    expect(useAuthStore.getState().status).toBe("authenticated");
  });

  it("sends the same body again when it retries after a refresh", async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${API}/api/projects`, async ({ request }) => {
        bodies.push(await request.json());
        return request.headers.get("Authorization") === "Bearer new"
          ? HttpResponse.json({ id: 8, name: "atlas" }, { status: 201 })
          : refused("token_invalid");
      }),
      http.post(`${API}/api/auth/refresh`, () => HttpResponse.json(token("new"))),
    );

    const input = { name: "atlas", repo_path: "/srv/atlas", init: false };
    await expect(unwrap(api.POST("/api/projects", { body: input }))).resolves.toEqual({ id: 8, name: "atlas" });
    expect(bodies).toEqual([input, input]);
  });

  it("refreshes a token about to expire before sending the request", async () => {
    const seen: string[] = [];
    useAuthStore.getState().setSession(token("expiring", 1));
    server.use(
      projectsFor("new", seen),
      http.post(`${API}/api/auth/refresh`, () => HttpResponse.json(token("new"))),
    );

    await expect(unwrap(api.GET("/api/projects"))).resolves.toEqual([{ id: 7 }]);
    expect(seen).toEqual(["Bearer new"]);
  });

  it("sends no token on the calls made outside a session, and never refreshes for them", async () => {
    const seen: (string | null)[] = [];
    let refreshes = 0;
    server.use(
      http.post(`${API}/api/auth/login`, ({ request }) => {
        seen.push(request.headers.get("Authorization"));
        return HttpResponse.json(
          { error: { code: "invalid_credentials", message: "Wrong email or password." } },
          { status: 401 },
        );
      }),
      http.post(`${API}/api/auth/refresh`, () => {
        refreshes += 1;
        return HttpResponse.json(token("new"));
      }),
    );

    const body = { email: "ada@example.com", password: "wrong" };
    await expect(unwrap(publicApi.POST("/api/auth/login", { body }))).rejects.toMatchObject({
      status: 401,
      code: "invalid_credentials",
      message: "Wrong email or password.",
    });
    expect(seen).toEqual([null]);
    expect(refreshes).toBe(0);
  });

  it("says the server cannot be reached when the network fails", async () => {
    server.use(http.get(`${API}/api/system/state`, () => HttpResponse.error()));

    await expect(unwrap(api.GET("/api/system/state"))).rejects.toMatchObject({
      status: 0,
      code: "network_error",
      message: "Cannot reach the MCC server. Is it running?",
    });
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

    const first = await unwrap(api.GET("/api/budget/limits")).catch((e: unknown) => e);
    expect(first).toMatchObject({ status: 429, retryAfter: 30 });
    expect(errorMessage(first as ApiError)).toBe("too many requests; slow down (wait 30 s)");
    const second = await unwrap(api.GET("/api/budget/limits")).catch((e: unknown) => e);
    expect(second).toMatchObject({ status: 429, code: "rate_limited" });
    expect(calls).toBe(1);
    // Other requests are not held back by this one's cool-down.
    server.use(http.get(`${API}/api/projects`, () => HttpResponse.json([])));
    await expect(unwrap(api.GET("/api/projects"))).resolves.toEqual([]);
  });
});
