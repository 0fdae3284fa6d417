import { queryOptions, useQuery } from "@tanstack/react-query";

import { ApiError, publicApi, unwrap } from "@/lib/api-client";
import type { Health } from "../types";

const isHealth = (payload: unknown): payload is Health =>
  typeof payload === "object" && payload !== null && "status" in payload && "db" in payload && "temporal" in payload;

/** The server's health; a 503 is an answer too (the API is up, a part of it is down). */
export async function getHealth(): Promise<Health> {
  try {
    return await unwrap(publicApi.GET("/api/health"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 503 && isHealth(error.payload)) return error.payload;
    throw error;
  }
}

export const healthQueryOptions = () =>
  queryOptions({ queryKey: ["health"], queryFn: getHealth, refetchInterval: 60_000, staleTime: 10_000, retry: false });

export const useHealth = () => useQuery(healthQueryOptions());
