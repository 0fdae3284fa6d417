import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { budgetKeys } from "./keys";

export const getLimits = () => unwrap(api.GET("/api/budget/limits"));

export const limitsQueryOptions = () => queryOptions({ queryKey: budgetKeys.limits(), queryFn: getLimits });

export const useLimits = () => useQuery(limitsQueryOptions());
