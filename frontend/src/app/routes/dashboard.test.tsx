import { act, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { useBudgetRealtimeSync } from "@/features/budget/api/budget-realtime";
import { receiveServerEvent } from "@/lib/socket";
import { systemKeys } from "@/lib/query-keys";
import { renderSignedIn, testQueryClient } from "@/testing/render";
import { API, server } from "@/testing/server";
import { DashboardRoute } from "./dashboard";

const running = { paused: false, since: null, reason: null, budget_day: "2026-12-06", timezone: "UTC" };
const project = { id: 3, name: "Demo", slug: "demo" };
const agent = (name: string, extra: object = {}) => ({
  id: name.length,
  project_id: 3,
  name,
  role: "coder",
  status: "working",
  current_task: `Task of ${name}`,
  paused: false,
  ...extra,
});

/** The dashboard, with the app's listener of `system_state` (the emergency pause's event). */
function DashboardWithPauseEvents() {
  useBudgetRealtimeSync();
  return <DashboardRoute />;
}

function serve(agents: object[]) {
  server.use(
    http.get(`${API}/api/projects`, () => HttpResponse.json([project])),
    http.get(`${API}/api/projects/3/issues`, () => HttpResponse.json([])),
    http.get(`${API}/api/agents`, () => HttpResponse.json(agents)),
    http.get(`${API}/api/budget/summary`, () => HttpResponse.json({ levels: [] })),
  );
  const client = testQueryClient();
  client.setQueryData(systemKeys.state(), running); // as the header has it
  renderSignedIn(
    <MemoryRouter>
      <DashboardWithPauseEvents />
    </MemoryRouter>,
    client,
  );
}

const atWork = async () => {
  const list = await screen.findByRole("list", { name: "Agents at work" });
  return within(list)
    .queryAllByRole("link")
    .map((link) => link.textContent);
};

describe("the dashboard's agents at work", () => {
  it("leave out an agent whose run the person paused", async () => {
    serve([agent("coder_1"), agent("coder_22", { paused: true }), agent("tester", { status: "idle" })]);
    await waitFor(async () => expect(await atWork()).toEqual(["coder_1"]));
  });

  it("are none from the moment the emergency pause holds every run, and back when it is lifted", async () => {
    serve([agent("coder_1"), agent("tester", { status: "idle" })]);
    await waitFor(async () => expect(await atWork()).toEqual(["coder_1"]));
    act(() => receiveServerEvent("system_state", { paused: true, since: "2026-12-06T10:00:00Z", reason: null }));
    expect(await screen.findByText("No run is moving.")).toBeTruthy();
    act(() => receiveServerEvent("system_state", { paused: false, since: null, reason: null }));
    await waitFor(async () => expect(await atWork()).toEqual(["coder_1"]));
  });
});
