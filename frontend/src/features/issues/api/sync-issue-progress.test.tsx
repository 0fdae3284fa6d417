import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import type { Issue } from "../types";
import { issueKeys } from "./keys";
import { useIssueProgressSync } from "./sync-issue-progress";

const PROJECT = 2;

const pullOf = (state: "open" | "merged") =>
  ({
    number: 7,
    issue_number: 1,
    title: "Add a greeting",
    state,
    head_branch: "mcc/issue-1",
    base_branch: "main",
    base_sha: "b".repeat(40),
    head_sha: "a".repeat(40),
    merge_sha: state === "merged" ? "c".repeat(40) : null,
    created_at: "2026-12-06T08:00:00Z",
  }) as const;

function mount(phase: string): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const issue = {
    project_id: PROJECT,
    number: 1,
    phase,
    state: "open",
    agents_at_work: ["reviewer"],
    pull_request: null,
    spend_usd: "0",
    tokens: 0,
  } as Issue;
  queryClient.setQueryData(issueKeys.list(PROJECT), [issue]);
  queryClient.setQueryData(issueKeys.detail(PROJECT, 1), issue);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  renderHook(() => useIssueProgressSync(), { wrapper });
  return queryClient;
}

const progress = (status: string) => ({
  project_id: PROJECT,
  issue_number: 1,
  task_id: `issue/demo/1`,
  status,
  percent: 90,
});

describe("issue progress from the socket", () => {
  it("fetches the detail at once when the run starts waiting for a decision, not after the interval", async () => {
    vi.useFakeTimers();
    try {
      const queryClient = mount("testing");
      receiveServerEvent("task_progress", progress("reviewing"));
      vi.advanceTimersByTime(400);
      expect(queryClient.getQueryState(issueKeys.detail(PROJECT, 1))?.isInvalidated).toBe(true);
      queryClient.setQueryData(issueKeys.detail(PROJECT, 1), queryClient.getQueryData(issueKeys.detail(PROJECT, 1)));
      // The next phase change comes within 10 s of that fetch: a step is held back...
      receiveServerEvent("task_progress", progress("merging"));
      vi.advanceTimersByTime(400);
      expect(queryClient.getQueryState(issueKeys.detail(PROJECT, 1))?.isInvalidated).toBe(false);
      // ...but the wait for the person is fetched right away.
      receiveServerEvent("task_progress", progress("awaiting_approval"));
      vi.advanceTimersByTime(400);
      expect(queryClient.getQueryState(issueKeys.detail(PROJECT, 1))?.isInvalidated).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("takes the merged pull request a merge carries into the list and the detail, without fetching", () => {
    const queryClient = mount("merging");
    receiveServerEvent("task_progress", { ...progress("done"), pull_request: pullOf("merged") });
    expect(queryClient.getQueryState(issueKeys.list(PROJECT))?.isInvalidated).toBe(false);
    const [row] = queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT)) ?? [];
    expect(row?.pull_request).toEqual(pullOf("merged"));
    expect(row?.phase).toBe("done");
    expect(queryClient.getQueryData<Issue>(issueKeys.detail(PROJECT, 1))?.pull_request?.state).toBe("merged");
  });

  it("closes an issue whose run ended, in the list and the detail, and shows no agent at work", () => {
    const queryClient = mount("review");
    receiveServerEvent("task_progress", progress("cancelled"));
    const [row] = queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT)) ?? [];
    expect([row?.phase, row?.state]).toEqual(["cancelled", "closed"]);
    const detail = queryClient.getQueryData<Issue>(issueKeys.detail(PROJECT, 1));
    expect([detail?.state, detail?.agents_at_work]).toEqual(["closed", []]);
  });

  it("keeps the list as it is when an event repeats the pull request it has", () => {
    const queryClient = mount("testing");
    receiveServerEvent("task_progress", { ...progress("testing"), pull_request: pullOf("open") });
    const before = queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT));
    receiveServerEvent("task_progress", { ...progress("testing"), pull_request: pullOf("open") });
    expect(queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT))).toBe(before);
  });

  it("changes the phase in place for any other step, without fetching the list", () => {
    const queryClient = mount("coding");
    receiveServerEvent("task_progress", progress("testing"));
    expect(queryClient.getQueryState(issueKeys.list(PROJECT))?.isInvalidated).toBe(false);
    expect(queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT))?.[0]?.phase).toBe("testing");
  });

  it("follows an agent's step with the issue's spend and tokens, in the list and the detail", () => {
    const queryClient = mount("coding");
    receiveServerEvent("task_progress", {
      ...progress("coding"),
      agent: "coder_1",
      step: 3,
      spend_usd: "0.0120000000",
      tokens: 2400,
    });
    const detail = queryClient.getQueryData<Issue>(issueKeys.detail(PROJECT, 1));
    expect([detail?.spend_usd, detail?.tokens]).toEqual(["0.0120000000", 2400]);
    expect(queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT))?.[0]?.tokens).toBe(2400);
  });
});
