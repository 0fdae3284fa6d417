import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { agentKeys } from "@/lib/query-keys";
import type { Agent } from "../types";
import { dropAgent, storeAgent, storeAgentStatus } from "./agent-cache";

const agentOf = (over: Partial<Agent>): Agent => ({
  id: 7,
  project_id: 2,
  name: "coder_3",
  role: "coder",
  model: "m",
  fallback_model: null,
  temperature: 0.2,
  max_tokens: 4096,
  rules: "",
  status: "idle",
  current_task: null,
  budget_share_pct: null,
  spent_today_usd: 0,
  status_reason: null,
  paused: false,
  created_at: "2026-12-06T08:00:00Z",
  ...over,
});

function cache() {
  const queryClient = new QueryClient();
  queryClient.setQueryData<Agent[]>(agentKeys.list(2), [agentOf({})]);
  queryClient.setQueryData<Agent[]>(agentKeys.everywhere(), [
    agentOf({}),
    agentOf({ id: 9, project_id: 3, name: "tester" }),
  ]);
  return queryClient;
}

const names = (queryClient: QueryClient, key: readonly unknown[]) =>
  queryClient.getQueryData<Agent[]>(key)?.map((a) => `${a.name}:${a.status}:${a.status_reason ?? "-"}`);

describe("the agent caches", () => {
  it("add and change an agent in its project's list and in the list of every agent", () => {
    const queryClient = cache();
    storeAgent(queryClient, agentOf({ id: 8, name: "helper" }));
    storeAgent(queryClient, agentOf({ model: "other" }));
    expect(names(queryClient, agentKeys.list(2))).toEqual(["coder_3:idle:-", "helper:idle:-"]);
    expect(names(queryClient, agentKeys.everywhere())).toEqual(["coder_3:idle:-", "tester:idle:-", "helper:idle:-"]);
    expect(queryClient.getQueryData<Agent[]>(agentKeys.everywhere())?.[0]?.model).toBe("other");
  });

  it("take a deleted agent out of both lists", () => {
    const queryClient = cache();
    dropAgent(queryClient, 2, 7);
    expect(names(queryClient, agentKeys.list(2))).toEqual([]);
    expect(names(queryClient, agentKeys.everywhere())).toEqual(["tester:idle:-"]);
  });

  it("apply a status with its reason wherever the agent is listed", () => {
    const queryClient = cache();
    const projects = storeAgentStatus(queryClient, {
      agent_id: 7,
      name: "coder_3",
      status: "working",
      current_task: "Fix login",
      project_id: 2,
      conversation_id: 1,
      reason: "Working on: Fix login",
    });
    expect(projects).toEqual([2, 2]);
    expect(names(queryClient, agentKeys.list(2))).toEqual(["coder_3:working:Working on: Fix login"]);
    expect(names(queryClient, agentKeys.everywhere())).toEqual([
      "coder_3:working:Working on: Fix login",
      "tester:idle:-",
    ]);
  });

  it("apply the person's pause and resume of the agent's run, which keeps its status and task", () => {
    const queryClient = cache();
    const status = (paused: boolean, reason: string) =>
      storeAgentStatus(queryClient, {
        agent_id: 7,
        name: "coder_3",
        status: "working",
        current_task: "Fix login",
        project_id: 2,
        conversation_id: 1,
        reason,
        paused,
      });
    const paused = (key: readonly unknown[]) => queryClient.getQueryData<Agent[]>(key)?.[0]?.paused;
    status(false, "Working on: Fix login");
    status(true, "Paused (resume it in its conversation): Fix login");
    expect([paused(agentKeys.list(2)), paused(agentKeys.everywhere())]).toEqual([true, true]);
    status(false, "Working on: Fix login");
    expect([paused(agentKeys.list(2)), paused(agentKeys.everywhere())]).toEqual([false, false]);
  });

  it("restart a fetch of the list already under way, so its stale answer cannot bring back an old status", async () => {
    const queryClient = cache();
    let server: Agent[] = [agentOf({ status: "working", current_task: "Fix login" })];
    const answers: (() => void)[] = [];
    const queryFn = () => {
      const snapshot = server.map((agent) => ({ ...agent }));
      return new Promise<Agent[]>((resolve) => answers.push(() => resolve(snapshot)));
    };
    queryClient.setQueryData<Agent[]>(agentKeys.list(2), server);
    // The refetch after a resync, answered while the run was still going...
    void queryClient.fetchQuery({ queryKey: agentKeys.list(2), queryFn, staleTime: 0 }).catch(() => undefined);
    // ...and the run ends before that answer lands.
    server = [agentOf({ status: "idle", current_task: null })];
    storeAgentStatus(queryClient, {
      agent_id: 7,
      name: "coder_3",
      status: "idle",
      current_task: null,
      project_id: 2,
      conversation_id: 1,
      reason: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(answers).toHaveLength(2); // asked again, after the event

    for (const answer of answers) answer(); // the first answer still says "working"
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(names(queryClient, agentKeys.list(2))).toEqual(["coder_3:idle:-"]);
  });

  it("leave a fetch under way alone when the event changes nothing", () => {
    const queryClient = cache();
    let fetches = 0;
    const queryFn = () => {
      fetches += 1;
      return new Promise<Agent[]>(() => undefined);
    };
    void queryClient.fetchQuery({ queryKey: agentKeys.list(2), queryFn, staleTime: 0 });
    storeAgentStatus(queryClient, {
      agent_id: 7,
      name: "coder_3",
      status: "idle",
      current_task: null,
      project_id: 2,
      conversation_id: 1,
      reason: null,
    });
    dropAgent(queryClient, 2, 99); // an agent this list does not hold
    expect(fetches).toBe(1);
  });
});
