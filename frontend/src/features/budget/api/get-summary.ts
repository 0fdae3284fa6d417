import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import type { SummaryRange } from "../types";
import { budgetKeys } from "./keys";

// An empty bound is no bound: leave it out of the query.
export const getSummary = ({ start, end }: SummaryRange) =>
  unwrap(api.GET("/api/budget/summary", { params: { query: { start: start || undefined, end: end || undefined } } }));

export const summaryQueryOptions = (range: SummaryRange) =>
  queryOptions({
    queryKey: budgetKeys.summary(range),
    queryFn: () => getSummary(range),
    // Spending moves with every LLM call and no event says so (only alerts do): poll while open.
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });

export const useBudgetSummary = (range: SummaryRange) => useQuery(summaryQueryOptions(range));
