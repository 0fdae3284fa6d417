import { QueryClient } from "@tanstack/react-query";
import { act, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { useBudgetRealtimeSync } from "@/features/budget/api/budget-realtime";
import { queryDefaults } from "@/lib/query-client";
import { systemKeys } from "@/lib/query-keys";
import { receiveServerEvent } from "@/lib/socket";
import { rateLimitedOnce } from "@/testing/rate-limited";
import { renderSignedIn, testQueryClient } from "@/testing/render";
import { API, server } from "@/testing/server";
import { ChannelList } from "./channel-list";

const conversation = {
  id: 5,
  project_id: 3,
  agent_id: null,
  kind: "task",
  title: "Tidy the README",
  run_id: null,
  status: "finished",
  paused: false,
  outcome: "done",
  summary: null,
  created_at: "2026-12-06T10:00:00Z",
};

const running = { paused: false, since: null, reason: null, budget_day: "2026-12-06", timezone: "UTC" };

/** The project's channels, with the app's query defaults (their retry after a 429 among them). */
function renderChannelList() {
  renderSignedIn(
    <MemoryRouter initialEntries={["/projects/3"]}>
      <ChannelList projectId={3} projectName="Demo" />
    </MemoryRouter>,
    new QueryClient({ defaultOptions: queryDefaults }),
  );
}

/** The channels, with the app's listener of `system_state` (the emergency pause's event). */
function ChannelsWithPauseEvents() {
  useBudgetRealtimeSync();
  return <ChannelList projectId={3} projectName="Demo" />;
}

/** Serve a coder at work on a run and the run's conversation; count what is fetched. */
function serveARun(conversationExtra: Partial<typeof conversation> = {}) {
  const fetched: string[] = [];
  const coder = {
    id: 7,
    project_id: 3,
    name: "coder_1",
    role: "coder",
    status: "working",
    current_task: "Tidy the README",
    paused: false,
  };
  const run = { ...conversation, agent_id: 7, run_id: "run/demo/coder_1/5", status: "open", outcome: null };
  server.use(
    http.get(`${API}/api/agents`, () => {
      fetched.push("agents");
      return HttpResponse.json([coder]);
    }),
    http.get(`${API}/api/projects/3/conversations`, () => {
      fetched.push("conversations");
      return HttpResponse.json([{ ...run, ...conversationExtra }]);
    }),
    http.get(`${API}/api/system/state`, () => {
      fetched.push("system");
      return HttpResponse.json(running);
    }),
  );
  return fetched;
}

describe("the channel list", () => {
  it("says it tries again after a rate limit, then lists the conversations", async () => {
    server.use(
      http.get(`${API}/api/agents`, () => HttpResponse.json([])),
      http.get(`${API}/api/projects/3/conversations`, rateLimitedOnce([conversation])),
    );
    renderChannelList();

    const conversations = screen.getByRole("region", { name: "Conversations" });
    expect(await within(conversations).findByText(/trying again in 1 s/)).toBeTruthy();
    expect(within(conversations).queryByRole("alert")).toBeNull();
    expect(await within(conversations).findByRole("link", { name: "Tidy the README" }, { timeout: 3000 })).toBeTruthy();
  });

  it("says it tries again after a rate limit, then lists the agents", async () => {
    const agent = { id: 7, project_id: 3, name: "coder_1", role: "coder", status: "idle", current_task: null };
    server.use(
      http.get(`${API}/api/agents`, rateLimitedOnce([agent])),
      http.get(`${API}/api/projects/3/conversations`, () => HttpResponse.json([])),
    );
    renderChannelList();

    const agents = screen.getByRole("region", { name: "Agents" });
    expect(await within(agents).findByText(/trying again in 1 s/)).toBeTruthy();
    expect(await within(agents).findByRole("link", { name: /coder_1/ }, { timeout: 3000 })).toBeTruthy();
  });

  it("shows the agent at work and its conversation paused while the emergency pause is on, from its event", async () => {
    const fetched = serveARun();
    const client = testQueryClient();
    client.setQueryData(systemKeys.state(), running); // as the header has it
    renderSignedIn(
      <MemoryRouter initialEntries={["/projects/3"]}>
        <ChannelsWithPauseEvents />
      </MemoryRouter>,
      client,
    );
    const run = (state: string) =>
      screen.getByRole("link", { name: "Tidy the README", description: `task conversation with coder_1, ${state}` });
    await screen.findByRole("link", { name: "coder_1, coder, working" });
    await waitFor(() => run("live"));
    const before = fetched.length;

    // The cache changes at once; the page follows at the query cache's next notification.
    act(() => receiveServerEvent("system_state", { paused: true, since: "2026-12-06T10:00:00Z", reason: null }));
    expect(await screen.findByRole("link", { name: "coder_1, coder, paused" })).toBeTruthy();
    await waitFor(() => expect(run("paused").textContent).not.toContain("live"));

    act(() => receiveServerEvent("system_state", { paused: false, since: null, reason: null }));
    expect(await screen.findByRole("link", { name: "coder_1, coder, working" })).toBeTruthy();
    await waitFor(() => expect(run("live").textContent).toContain("live"));
    expect(fetched.slice(before)).toEqual([]); // the events alone, nothing asked again
  });

  it("says a conversation whose run the person paused is paused, not live", async () => {
    serveARun({ paused: true });
    renderChannelList();
    const run = await screen.findByRole("link", {
      name: "Tidy the README",
      description: "task conversation with coder_1, paused",
    });
    expect(run.textContent).toContain("paused");
    expect(run.textContent).not.toContain("live");
  });

  it("names an issue's runs by the issue and the step, whatever the issue's number", async () => {
    const issueRun = "issue/demo/12";
    const ofIssue = (id: number, extra: { kind?: string; run_id: string; title: string }) => ({
      ...conversation,
      id,
      status: "open",
      outcome: null,
      ...extra,
    });
    server.use(
      http.get(`${API}/api/agents`, () => HttpResponse.json([])),
      http.get(`${API}/api/system/state`, () => HttpResponse.json(running)),
      http.get(`${API}/api/projects/3/conversations`, () =>
        HttpResponse.json([
          ofIssue(23, { run_id: `${issueRun}/coder_1/rework-1`, title: "rework-1" }),
          ofIssue(22, { run_id: `${issueRun}/architect/plan-1`, title: "Plan #12" }),
          ofIssue(21, { kind: "issue", run_id: issueRun, title: "#12 Add a greeting" }),
        ]),
      ),
    );
    renderChannelList();

    const issue = await screen.findByRole("list", { name: "#12 Add a greeting" });
    expect(
      within(issue)
        .getAllByRole("link")
        .map((link) => link.textContent),
    ).toEqual(["#12 Add a greetinglive", "architect · #12 Planlive", "coder_1 · #12 Rework 1live"]);
  });
});
