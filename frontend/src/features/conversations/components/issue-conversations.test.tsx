import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { IssueConversations } from "./issue-conversations";

const conversation = (id: number, kind: string, run_id: string, title: string, status = "finished") => ({
  id,
  project_id: 3,
  agent_id: null,
  kind,
  title,
  run_id,
  status,
  paused: false,
  outcome: status === "finished" ? "done" : null,
  summary: null,
  created_at: "2026-12-06T10:00:00Z",
});

describe("an issue's conversations", () => {
  it("lists the issue's own and its agents' runs by the names the channel list gives them", async () => {
    server.use(
      http.get(`${API}/api/projects/3/conversations`, () =>
        HttpResponse.json([
          conversation(40, "task", "issue/demo/13/architect/plan-1", "Plan #13", "open"),
          conversation(31, "task", "issue/demo/12/coder_1/rework-1", "rework-1", "open"),
          conversation(30, "task", "issue/demo/12/architect/plan-1", "Plan #12"),
          conversation(29, "issue", "issue/demo/12", "#12 Add a greeting", "open"),
        ]),
      ),
    );
    renderSignedIn(
      <MemoryRouter>
        <IssueConversations projectId={3} runId="issue/demo/12" emergencyPause={false} />
      </MemoryRouter>,
    );

    const list = await screen.findByRole("list", { name: "Conversations of this issue" });
    const links = within(list).getAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual([
      "#12 Add a greeting",
      "architect · #12 Plan",
      "coder_1 · #12 Rework 1",
    ]);
    expect(links[2]?.getAttribute("href")).toBe("/projects/3/conversations/31");
    expect(within(list).getByText("finished: done")).toBeTruthy();
  });

  it("says so when the issue has no conversation yet", async () => {
    server.use(http.get(`${API}/api/projects/3/conversations`, () => HttpResponse.json([])));
    renderSignedIn(
      <MemoryRouter>
        <IssueConversations projectId={3} runId="issue/demo/12" emergencyPause={false} />
      </MemoryRouter>,
    );
    expect(await screen.findByText("No conversation yet.")).toBeTruthy();
  });
});
