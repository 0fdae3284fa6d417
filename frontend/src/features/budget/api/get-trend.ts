import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import type { SummaryRange } from "../types";
import { budgetKeys } from "./keys";

// An empty bound is no bound: leave it out of the query.
export const getTrend = ({ start, end }: SummaryRange) =>
  unwrap(api.GET("/api/budget/trend", { params: { query: { start: start || undefined, end: end || undefined } } }));

/** Cost per merged pull request per day (a trend: fetched when the page opens, not polled). */
export const trendQueryOptions = (range: SummaryRange) =>
  queryOptions({ queryKey: budgetKeys.trend(range), queryFn: () => getTrend(range) });

export const useCostTrend = (range: SummaryRange) => useQuery(trendQueryOptions(range));
