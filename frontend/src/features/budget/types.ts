import type { components } from "@/lib/api-schema";

export type Limit = components["schemas"]["LimitOut"];
export type GlobalLimitCreate = components["schemas"]["GlobalLimitCreate"];
export type ProjectLimitCreate = components["schemas"]["ProjectLimitCreate"];
export type AgentLimitCreate = components["schemas"]["AgentLimitCreate"];
export type LimitCreate = GlobalLimitCreate | ProjectLimitCreate | AgentLimitCreate;
export type LimitUpdate = components["schemas"]["LimitUpdate"];
export type BudgetSummary = components["schemas"]["BudgetSummaryOut"];
export type LevelSpend = components["schemas"]["LevelSpendOut"];
export type CostTrend = components["schemas"]["CostTrendOut"];
export type TrendDay = components["schemas"]["TrendDayOut"];

export type { SummaryRange } from "@/lib/query-keys";

/** At this share of a limit a level is shown as a warning (the server's `budget_alert` warning is at 80% too). */
export const WARNING_PERCENT = 80;
export const CRITICAL_PERCENT = 100;
