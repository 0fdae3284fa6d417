import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { applyCatchUp, receiveServerEvent } from "@/lib/socket";
import type { Project } from "../types";
import { projectKeys } from "./keys";
import { useProjectRealtimeSync } from "./projects-realtime";

const project = (id: number, name: string): Project =>
  ({ id, name, slug: name.toLowerCase(), repo_path: `/src/${id}`, test_command: null }) as Project;

describe("project events", () => {
  it("put a project registered in another tab into this tab's list, and changes in place", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(projectKeys.list(), [project(1, "Alpha")]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    renderHook(() => useProjectRealtimeSync(), { wrapper });
    const deliver = (event: Project) => {
      receiveServerEvent("project", event);
    };

    deliver(project(2, "Beta"));
    deliver({ ...project(1, "Alpha"), test_command: "pytest -q" });

    const list = queryClient.getQueryData<Project[]>(projectKeys.list()) ?? [];
    expect(list.map((p) => [p.id, p.name, p.test_command])).toEqual([
      [1, "Alpha", "pytest -q"],
      [2, "Beta", null],
    ]);
    expect(queryClient.getQueryData<Project>(projectKeys.detail(2))?.name).toBe("Beta");
  });

  it("take a project deleted in another tab out of the list without asking the server", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(projectKeys.list(), [project(1, "Alpha"), project(2, "Beta")]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    renderHook(() => useProjectRealtimeSync(), { wrapper });

    receiveServerEvent("project_removed", { project_id: 1 });

    expect((queryClient.getQueryData<Project[]>(projectKeys.list()) ?? []).map((p) => p.id)).toEqual([2]);
    expect(queryClient.getQueryState(projectKeys.list())?.isInvalidated).toBe(false);
  });

  it("apply the events missed while away without a refetch, and refetch only on resync", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(projectKeys.list(), [project(1, "Alpha")]);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    renderHook(() => useProjectRealtimeSync(), { wrapper });
    const numbered = (p: Project, seq: number) => ({ ...p, room: "user:5", epoch: "e", seq });
    receiveServerEvent("project", numbered(project(2, "Beta"), 1));

    // Reconnected: the user room's catch-up brings what happened meanwhile.
    applyCatchUp({
      room: "user:5",
      epoch: "e",
      seq: 3,
      resync: false,
      events: [1, 2, 3].map((seq) => ({ event: "project", data: numbered(project(seq + 1, `P${seq}`), seq) })),
    });
    const list = () => queryClient.getQueryData<Project[]>(projectKeys.list()) ?? [];
    expect(list().map((p) => p.id)).toEqual([1, 2, 3, 4]);
    expect(queryClient.getQueryState(projectKeys.list())?.isInvalidated).toBe(false);

    // The server restarted and lost its log: the list is fetched again.
    applyCatchUp({ room: "user:5", epoch: "new", seq: 1, resync: true, events: [] });
    expect(queryClient.getQueryState(projectKeys.list())?.isInvalidated).toBe(true);
  });
});
