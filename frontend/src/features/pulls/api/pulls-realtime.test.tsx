import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import type { PullRequest } from "../types";
import { pullKeys } from "./keys";
import { usePullRealtimeSync } from "./pulls-realtime";

const PROJECT = 4;

const pull = (number: number, state: PullRequest["state"], head = "a"): PullRequest => ({
  number,
  issue_number: number,
  title: `issue ${number}`,
  state,
  head_branch: `mcc/issue-${number}`,
  base_branch: "main",
  base_sha: "b".repeat(40),
  head_sha: head.repeat(40),
  merge_sha: state === "merged" ? "c".repeat(40) : null,
  created_at: "2026-12-06T08:00:00Z",
});

function mount(pulls: PullRequest[]): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(pullKeys.list(PROJECT), pulls);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  renderHook(() => usePullRealtimeSync(), { wrapper });
  return queryClient;
}

const phase = (status: string, pullRequest: PullRequest | null, number = 2) => ({
  task_id: `issue/demo/${number}`,
  project_id: PROJECT,
  issue_number: number,
  status,
  percent: 50,
  pull_request: pullRequest,
});

const listOf = (queryClient: QueryClient) => queryClient.getQueryData<PullRequest[]>(pullKeys.list(PROJECT));

describe("pull requests from the socket", () => {
  it("adds a pull request a phase change brings, newest first, without fetching the list", () => {
    const queryClient = mount([pull(1, "merged")]);
    receiveServerEvent("task_progress", phase("testing", pull(2, "open")));
    expect(listOf(queryClient)?.map((p) => p.number)).toEqual([2, 1]);
    expect(queryClient.getQueryState(pullKeys.list(PROJECT))?.isInvalidated).toBe(false);
  });

  it("replaces one that moved (a new head, merged) in place", () => {
    const queryClient = mount([pull(2, "open"), pull(1, "merged")]);
    receiveServerEvent("task_progress", phase("awaiting_approval", pull(2, "open", "d")));
    expect(listOf(queryClient)?.[0]?.head_sha).toBe("d".repeat(40));
    receiveServerEvent("task_progress", phase("done", pull(2, "merged", "d")));
    expect(listOf(queryClient)?.[0]?.state).toBe("merged");
    expect(listOf(queryClient)?.[1]).toEqual(pull(1, "merged"));
    expect(queryClient.getQueryState(pullKeys.list(PROJECT))?.isInvalidated).toBe(false);
  });

  it("leaves the list alone for a phase change of an issue without a pull request", () => {
    const queryClient = mount([pull(1, "merged")]);
    const before = listOf(queryClient);
    receiveServerEvent("task_progress", phase("coding", null));
    expect(listOf(queryClient)).toBe(before);
    expect(queryClient.getQueryState(pullKeys.list(PROJECT))?.isInvalidated).toBe(false);
  });
});
