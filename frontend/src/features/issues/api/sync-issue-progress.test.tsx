import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import type { Issue } from "../types";
import { issueKeys } from "./keys";
import { useIssueProgressSync } from "./sync-issue-progress";

const PROJECT = 2;

function mount(phase: string): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(issueKeys.list(PROJECT), [{ project_id: PROJECT, number: 1, phase } as Issue]);
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
  it("fetches the project's list again on a merge: its cost per merged pull request counts it", () => {
    const queryClient = mount("merging");
    receiveServerEvent("task_progress", progress("done"));
    expect(queryClient.getQueryState(issueKeys.list(PROJECT))?.isInvalidated).toBe(true);
  });

  it("changes the phase in place for any other step, without fetching the list", () => {
    const queryClient = mount("coding");
    receiveServerEvent("task_progress", progress("testing"));
    expect(queryClient.getQueryState(issueKeys.list(PROJECT))?.isInvalidated).toBe(false);
    expect(queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT))?.[0]?.phase).toBe("testing");
  });
});
