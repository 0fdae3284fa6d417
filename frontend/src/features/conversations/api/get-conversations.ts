import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { conversationKeys } from "./keys";

/** Newest first (the server's order). */
export const getConversations = (projectId: number) =>
  unwrap(api.GET("/api/projects/{project_id}/conversations", { params: { path: { project_id: projectId } } }));

export const conversationsQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: conversationKeys.list(projectId), queryFn: () => getConversations(projectId) });

export const useConversations = (projectId: number) => useQuery(conversationsQueryOptions(projectId));
