import type { components } from "@/lib/api-schema";

export type Issue = components["schemas"]["IssueOut"];
export type IssueCreate = components["schemas"]["IssueCreate"];
export type RejectIn = components["schemas"]["RejectIn"];

/** The phase where the workflow waits for the approve / reject signal. */
export const AWAITING_APPROVAL = "awaiting_approval";
