import { queryOptions, useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { Limit } from "../types";
import { budgetKeys } from "./keys";

export const getLimits = () => api.get<Limit[]>("/api/budget/limits");

export const limitsQueryOptions = () => queryOptions({ queryKey: budgetKeys.limits(), queryFn: getLimits });

export const useLimits = () => useQuery(limitsQueryOptions());
