import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider, QueryObserver } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import { API, server } from "@/testing/server";
import type { Conversation } from "../types";
import { conversationKeys } from "./keys";
import { useConversationRealtimeSync } from "./realtime-sync";

const PROJECT = 3;

function conversation(id: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    project_id: PROJECT,
    agent_id: 10 + id,
    kind: "task",
    title: `task ${id}`,
    run_id: `run/demo/coder_1/${id}`,
    status: "open",
    paused: false,
    outcome: null,
    summary: null,
    created_at: "2026-12-06T04:00:00+00:00",
    ...extra,
  };
}

/** Deliver a server event to the app's listeners, as the socket would. */
function deliver(event: string, payload: unknown): void {
  receiveServerEvent(event, payload);
}

let queryClient: QueryClient;
let listFetches: number;

function mount(list: Conversation[]) {
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  listFetches = 0;
  server.use(
    http.get(`${API}/api/projects/${PROJECT}/conversations`, () => {
      listFetches += 1;
      return HttpResponse.json(queryClient.getQueryData(conversationKeys.list(PROJECT)) ?? []);
    }),
  );
  queryClient.setQueryData(conversationKeys.list(PROJECT), list);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  renderHook(() => useConversationRealtimeSync(), { wrapper });
}

/** The channel list on screen: an observer of the project's conversations (stale only when told). */
function onScreen(): () => void {
  const observer = new QueryObserver(queryClient, {
    queryKey: conversationKeys.list(PROJECT),
    queryFn: () => fetch(`/api/projects/${PROJECT}/conversations`).then((r) => r.json() as Promise<Conversation[]>),
    staleTime: Infinity,
  });
  return observer.subscribe(() => undefined);
}

const list = () => queryClient.getQueryData<Conversation[]>(conversationKeys.list(PROJECT)) ?? [];

beforeEach(() => {
  listFetches = 0;
});

describe("conversation events update the cache in place", () => {
  it("adds a run's new conversation at the top of its project's list", () => {
    mount([conversation(1)]);
    const unsubscribe = onScreen();
    deliver("conversation", conversation(2));
    deliver("conversation", conversation(2)); // delivered twice: still one row
    expect(list().map((c) => c.id)).toEqual([2, 1]);
    expect(listFetches).toBe(0);
    unsubscribe();
  });

  it("marks an agent's conversation finished with the outcome its run ended with", () => {
    mount([conversation(2), conversation(1)]);
    queryClient.setQueryData(conversationKeys.detail(2), conversation(2));
    deliver("agent_status", {
      agent_id: 12,
      name: "coder_1",
      status: "idle",
      current_task: null,
      project_id: PROJECT,
      conversation_id: 2,
      outcome: "done",
    });
    expect(list().map((c) => [c.id, c.status, c.outcome])).toEqual([
      [2, "finished", "done"],
      [1, "open", null],
    ]);
    expect(queryClient.getQueryData<Conversation>(conversationKeys.detail(2))?.status).toBe("finished");
    expect(listFetches).toBe(0);
  });

  it("finishes the issue's own conversation when the issue reaches a final phase", () => {
    const issueRun = conversation(5, { kind: "issue", agent_id: null, run_id: "issue/demo/1" });
    mount([issueRun]);
    const progress = { task_id: "issue/demo/1", percent: 90, project_id: PROJECT, issue_number: 1 };
    deliver("task_progress", { ...progress, status: "merging" });
    expect(list()[0]?.status).toBe("open");
    deliver("task_progress", { ...progress, status: "done", percent: 100 });
    expect(list()[0]).toMatchObject({ status: "finished", outcome: "done" });
  });

  it("asks the server only when an event names a conversation the list lacks", async () => {
    mount([conversation(1)]);
    const unsubscribe = onScreen();
    deliver("agent_status", {
      agent_id: 11,
      name: "coder_1",
      status: "working",
      current_task: "task 1",
      project_id: PROJECT,
      conversation_id: 1,
    });
    expect(listFetches).toBe(0);
    deliver("agent_status", {
      agent_id: 19,
      name: "tester",
      status: "working",
      current_task: "test",
      project_id: PROJECT,
      conversation_id: 9, // its `conversation` event was missed
    });
    await waitFor(() => expect(listFetches).toBe(1));
    unsubscribe();
  });
});
