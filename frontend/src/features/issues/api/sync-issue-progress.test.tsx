import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { QueryObserver } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import { useAuthStore } from "@/stores/auth";
import { API, server } from "@/testing/server";
import type { Issue } from "../types";
import { issueQueryOptions } from "./get-issue";
import { issueKeys } from "./keys";
import { useIssueProgressSync } from "./sync-issue-progress";

const PROJECT = 2;

const OPEN_PULL = { number: 7, state: "open", head_sha: "abc" } as NonNullable<Issue["pull_request"]>;

function mount(phase: string, pull_request: Issue["pull_request"] = null): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queryClient.setQueryData(issueKeys.list(PROJECT), [{ project_id: PROJECT, number: 1, phase, pull_request } as Issue]);
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
  it("marks the cached pull request merged on a merge, without fetching the list", () => {
    const queryClient = mount("merging", OPEN_PULL);
    receiveServerEvent("task_progress", progress("done"));
    expect(queryClient.getQueryState(issueKeys.list(PROJECT))?.isInvalidated).toBe(false);
    const [row] = queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT)) ?? [];
    expect(row?.pull_request?.state).toBe("merged");
    expect(row?.phase).toBe("done");
  });

  it("fetches the list on a merge its row has no pull request for: the cost per merged pull request counts it", () => {
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

  it("leaves the list to the open issue's refetch when its row has no pull request: one fetch, not two", async () => {
    useAuthStore.getState().setSession({
      access_token: "t",
      token_type: "bearer",
      expires_in: 900,
      user: { id: 1, email: "ada@example.com", totp_enabled: false },
    });
    const queryClient = mount("merging");
    const merged = { ...OPEN_PULL, state: "merged" } as const;
    let listFetches = 0;
    let detailFetches = 0;
    server.use(
      http.get(`${API}/api/projects/${PROJECT}/issues`, () => {
        listFetches += 1;
        return HttpResponse.json([]);
      }),
      http.get(`${API}/api/projects/${PROJECT}/issues/1`, () => {
        detailFetches += 1;
        return HttpResponse.json({ project_id: PROJECT, number: 1, phase: "done", pull_request: merged });
      }),
    );
    const detail = new QueryObserver(queryClient, issueQueryOptions(PROJECT, 1));
    const stop = detail.subscribe(() => undefined);
    await waitFor(() => expect(detailFetches).toBe(1));

    receiveServerEvent("task_progress", progress("done"));
    expect(queryClient.getQueryState(issueKeys.list(PROJECT))?.isInvalidated).toBe(false);
    await waitFor(() => expect(detailFetches).toBe(2), { timeout: 2_000 });
    const [row] = queryClient.getQueryData<Issue[]>(issueKeys.list(PROJECT)) ?? [];
    expect(row?.pull_request?.state).toBe("merged");
    expect(listFetches).toBe(0);
    stop();
  });
});
