import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Conversation } from "../types";
import { conversationKeys } from "./keys";

/** Newest first (the server's order). */
export const getConversations = (projectId: number) =>
  api.get<Conversation[]>(`/api/projects/${projectId}/conversations`);

export const conversationsQueryOptions = (projectId: number) =>
  queryOptions({ queryKey: conversationKeys.list(projectId), queryFn: () => getConversations(projectId) });

export const useConversations = (projectId: number) => useQuery(conversationsQueryOptions(projectId));
