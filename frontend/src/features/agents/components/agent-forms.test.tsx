import type { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { agentKeys } from "@/lib/query-keys";
import { renderSignedIn, testQueryClient } from "@/testing/render";
import { API, server } from "@/testing/server";
import type { Agent } from "../types";
import { CreateAgentForm } from "./agent-forms";

const PROJECTS = [
  { id: 1, name: "Shop" },
  { id: 2, name: "Blog" },
];

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
  spent_today_usd: 0,
  status_reason: null,
  paused: false,
  created_at: "2026-12-06T08:00:00Z",
  ...over,
});

let sent: unknown[];
let queryClient: QueryClient;

beforeEach(() => {
  sent = [];
  queryClient = testQueryClient();
});

function show() {
  renderSignedIn(<CreateAgentForm projects={PROJECTS} />, queryClient);
}

function fill(values: { project?: string; name?: string; share?: string }) {
  if (values.project !== undefined)
    fireEvent.change(screen.getByLabelText("Project"), { target: { value: values.project } });
  if (values.name !== undefined) fireEvent.change(screen.getByLabelText("Name"), { target: { value: values.name } });
  if (values.share !== undefined)
    fireEvent.change(screen.getByLabelText("Budget share (%, optional)"), { target: { value: values.share } });
  fireEvent.click(screen.getByRole("button", { name: "Add agent" }));
}

const messageOf = (label: string) => {
  const input = screen.getByLabelText(label);
  const id = input.getAttribute("aria-describedby")!.split(" ")[0]!;
  return document.getElementById(id)!.textContent;
};

describe("the new agent form", () => {
  it("offers the roles of a project's agents, not the orchestrator (the person's own assistant)", () => {
    show();
    const roles = within(screen.getByRole("combobox", { name: "Role" }))
      .getAllByRole("option")
      .map((option) => option.textContent);
    expect(roles).toEqual(["architect", "coder", "tester", "reviewer"]);
  });

  it("says what is wrong next to each field, in sentences, without asking the server", async () => {
    server.use(
      http.post(`${API}/api/agents`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json(agentOf({}), { status: 201 });
      }),
    );
    show();
    fill({ name: "coder 3", share: "120" });
    await waitFor(() => expect(messageOf("Project")).toBe("Choose the project the agent works in."));
    expect(messageOf("Name")).toBe("Use letters, digits, '_' and '-' only (no spaces), for example coder_3.");
    expect(messageOf("Budget share (%, optional)")).toBe("A share cannot be more than 100%.");
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    expect(sent).toEqual([]);
  });

  it("sends the agent with its share and puts it in the list of every agent", async () => {
    queryClient.setQueryData<Agent[]>(agentKeys.everywhere(), []);
    server.use(
      http.post(`${API}/api/agents`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json(agentOf({}), { status: 201 });
      }),
    );
    show();
    fill({ project: "2", name: "coder_3", share: "25" });
    expect(await screen.findByText("coder_3 was added.")).toBeTruthy();
    expect(sent).toEqual([
      {
        project_id: 2,
        role: "coder",
        name: "coder_3",
        budget_share_pct: 25,
        temperature: 0.2,
        max_tokens: 4096,
        rules: "",
      },
    ]);
    expect(queryClient.getQueryData<Agent[]>(agentKeys.everywhere())?.map((a) => a.name)).toEqual(["coder_3"]);
  });

  it("shows a share the project cannot fit next to the share, in the server's sentence", async () => {
    const refusal =
      "The other agents of this project already have 80% of its budget, so this share can be at most 20%.";
    server.use(
      http.post(`${API}/api/agents`, () =>
        HttpResponse.json({ error: { code: "budget_shares_exceeded", message: refusal } }, { status: 422 }),
      ),
    );
    show();
    fill({ project: "1", name: "coder_3", share: "30" });
    await waitFor(() => expect(messageOf("Budget share (%, optional)")).toBe(refusal));
    expect(screen.getByLabelText("Budget share (%, optional)").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByText("coder_3 was added.")).toBeNull();
  });

  it("shows a taken name next to the name", async () => {
    const refusal = "an agent named 'coder_1' already exists in this project";
    server.use(
      http.post(`${API}/api/agents`, () =>
        HttpResponse.json({ error: { code: "conflict", message: refusal } }, { status: 409 }),
      ),
    );
    show();
    fill({ project: "1", name: "coder_1" });
    await waitFor(() => expect(messageOf("Name")).toBe(refusal));
  });

  it("clears the last success once the person edits the form again", async () => {
    server.use(http.post(`${API}/api/agents`, () => HttpResponse.json(agentOf({}), { status: 201 })));
    show();
    fill({ project: "2", name: "coder_3" });
    expect(await screen.findByText("coder_3 was added.")).toBeTruthy();

    fill({ share: "150" });
    await waitFor(() => expect(messageOf("Budget share (%, optional)")).toBe("A share cannot be more than 100%."));
    expect(screen.queryByText("coder_3 was added.")).toBeNull();
  });
});
