import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { BudgetSummary, SummaryRange } from "../types";
import { budgetKeys } from "./keys";

export const getSummary = ({ start, end }: SummaryRange) => {
  const params = new URLSearchParams();
  if (start) params.set("start", start);
  if (end) params.set("end", end);
  const query = params.toString();
  return api.get<BudgetSummary>(`/api/budget/summary${query ? `?${query}` : ""}`);
};

export const summaryQueryOptions = (range: SummaryRange) =>
  queryOptions({
    queryKey: budgetKeys.summary(range),
    queryFn: () => getSummary(range),
    // Spending moves with every LLM call and no event says so (only alerts do): poll while open.
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });

export const useBudgetSummary = (range: SummaryRange) => useQuery(summaryQueryOptions(range));
