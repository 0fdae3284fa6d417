import type { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { beforeEach, describe, expect, it } from "vitest";

import { agentKeys } from "@/lib/query-keys";
import { renderSignedIn, testQueryClient } from "@/testing/render";
import { API, server } from "@/testing/server";
import type { Agent } from "../types";
import { AgentsTable } from "./agents-table";

const agentOf = (over: Partial<Agent>): Agent => ({
  id: 7,
  project_id: 2,
  name: "coder_3",
  role: "coder",
  model: "openai/gpt-4o-mini",
  fallback_model: null,
  temperature: 0.2,
  max_tokens: 4096,
  rules: "",
  status: "idle",
  current_task: null,
  budget_share_pct: 25,
  spent_today_usd: 0.045,
  status_reason: null,
  paused: false,
  created_at: "2026-12-06T08:00:00Z",
  ...over,
});

let deleted: string[];
let queryClient: QueryClient;

beforeEach(() => {
  deleted = [];
  queryClient = testQueryClient();
  server.use(
    http.delete(`${API}/api/agents/:id`, ({ params }) => {
      deleted.push(String(params.id));
      return new HttpResponse(null, { status: 204 });
    }),
  );
});

function show(agents: Agent[], emergencyPause = false) {
  queryClient.setQueryData(agentKeys.everywhere(), agents);
  renderSignedIn(
    <MemoryRouter>
      <AgentsTable agents={agents} projects={[{ id: 2, name: "Blog" }]} emergencyPause={emergencyPause} />
    </MemoryRouter>,
    queryClient,
  );
}

describe("the table of every agent", () => {
  it("shows why an agent is in its status, its share and today's spend with all its digits", () => {
    show([agentOf({ status: "error", status_reason: "Its last run failed: the tests do not start." })]);
    const row = screen.getByRole("row", { name: /coder_3/ });
    expect(within(row).getByText("Its last run failed: the tests do not start.")).toBeTruthy();
    expect(within(row).getByText("25%")).toBeTruthy();
    expect(within(row).getByText("$0.045")).toBeTruthy();
    expect(within(row).getByRole("link", { name: "Blog" })).toBeTruthy();
  });

  it("says a working agent is paused, not working, while its run is held", () => {
    const working = { status: "working" as const, current_task: "Fix login" };
    show([agentOf({ ...working, paused: true }), agentOf({ ...working, id: 8, name: "coder_4" })]);
    expect(within(screen.getByRole("row", { name: /coder_3/ })).getByText("paused")).toBeTruthy();
    expect(within(screen.getByRole("row", { name: /coder_4/ })).getByText("working")).toBeTruthy();
  });

  it("says every working agent is paused while the emergency pause is on", () => {
    show([agentOf({ status: "working", current_task: "Fix login" })], true);
    expect(within(screen.getByRole("row", { name: /coder_3/ })).getByText("paused")).toBeTruthy();
  });

  it("deletes only after the person confirms", async () => {
    show([agentOf({})]);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(
      screen.getByText("Delete coder_3? Its conversations and branches stay; its budget share goes."),
    ).toBeTruthy();
    expect(deleted).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Keep it" }));
    expect(deleted).toEqual([]);

    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete coder_3" }));
    await waitFor(() => expect(deleted).toEqual(["7"]));
    await waitFor(() => expect(queryClient.getQueryData<Agent[]>(agentKeys.everywhere())).toEqual([]));
  });

  it("does not offer to delete a working agent, and says what to do instead", () => {
    show([agentOf({ status: "working", current_task: "Fix login", status_reason: "Working on: Fix login" })]);
    expect((screen.getByRole("button", { name: "Delete" }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("Cancel its run to delete it.")).toBeTruthy();
  });
});
