import { QueryClient } from "@tanstack/react-query";
import { screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { queryDefaults } from "@/lib/query-client";
import { rateLimitedOnce } from "@/testing/rate-limited";
import { renderSignedIn } from "@/testing/render";
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

/** The project's channels, with the app's query defaults (their retry after a 429 among them). */
function renderChannelList() {
  renderSignedIn(
    <MemoryRouter initialEntries={["/projects/3"]}>
      <ChannelList projectId={3} projectName="Demo" />
    </MemoryRouter>,
    new QueryClient({ defaultOptions: queryDefaults }),
  );
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
});
