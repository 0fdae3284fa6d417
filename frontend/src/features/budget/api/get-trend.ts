import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { CostTrend, SummaryRange } from "../types";
import { budgetKeys } from "./keys";

export const getTrend = ({ start, end }: SummaryRange) => {
  const params = new URLSearchParams();
  if (start) params.set("start", start);
  if (end) params.set("end", end);
  const query = params.toString();
  return api.get<CostTrend>(`/api/budget/trend${query ? `?${query}` : ""}`);
};

/** Cost per merged pull request per day (a trend: fetched when the page opens, not polled). */
export const trendQueryOptions = (range: SummaryRange) =>
  queryOptions({ queryKey: budgetKeys.trend(range), queryFn: () => getTrend(range) });

export const useCostTrend = (range: SummaryRange) => useQuery(trendQueryOptions(range));
