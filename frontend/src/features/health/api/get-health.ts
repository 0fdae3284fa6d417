import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Health } from "../types";

export const getHealth = () => api.get<Health>("/api/health", { auth: "none" });

export const healthQueryOptions = () =>
  queryOptions({ queryKey: ["health"], queryFn: getHealth, refetchInterval: 60_000, staleTime: 10_000, retry: false });

export const useHealth = () => useQuery(healthQueryOptions());
