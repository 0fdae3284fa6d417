import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import { useConnectionStore } from "@/stores/connection";
import { HealthIndicator } from "./health-indicator";

function show() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <HealthIndicator />
    </QueryClientProvider>,
  );
}

describe("the health badge", () => {
  it("says which part is down when the API answers 503", async () => {
    server.use(
      http.get(`${API}/api/health`, () =>
        HttpResponse.json({ status: "degraded", db: "ok", temporal: "down" }, { status: 503 }),
      ),
    );
    show();
    expect(await screen.findByText("Degraded: Temporal down")).toBeTruthy();
  });

  it("names Redis when the scaled API cannot reach it", async () => {
    server.use(
      http.get(`${API}/api/health`, () =>
        HttpResponse.json({ status: "degraded", db: "ok", temporal: "ok", redis: "down" }, { status: 503 }),
      ),
    );
    show();
    expect(await screen.findByText("Degraded: Redis down")).toBeTruthy();
  });

  it("says unreachable only when the server does not answer", async () => {
    server.use(http.get(`${API}/api/health`, () => HttpResponse.error()));
    show();
    expect(await screen.findByText("API unreachable")).toBeTruthy();
  });

  it("says no worker while the API serves but nothing runs the issues", async () => {
    server.use(
      http.get(`${API}/api/health`, () =>
        HttpResponse.json({ status: "ok", db: "ok", temporal: "ok", worker: "none" }),
      ),
    );
    show();
    expect(await screen.findByText("API ok, no worker")).toBeTruthy();
  });

  it("says ok when everything answers", async () => {
    server.use(http.get(`${API}/api/health`, () => HttpResponse.json({ status: "ok", db: "ok", temporal: "ok" })));
    show();
    expect(await screen.findByText("API ok")).toBeTruthy();
  });

  it("stops saying ok as soon as the socket drops with the server", async () => {
    useConnectionStore.getState().setStatus("connected");
    server.use(http.get(`${API}/api/health`, () => HttpResponse.json({ status: "ok", db: "ok", temporal: "ok" })));
    show();
    expect(await screen.findByText("API ok")).toBeTruthy();

    server.use(http.get(`${API}/api/health`, () => HttpResponse.error()));
    act(() => useConnectionStore.getState().setStatus("connecting", "transport close"));

    expect(await screen.findByText("API unreachable")).toBeTruthy();
  });
});
