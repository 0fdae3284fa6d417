import { z } from "zod";

import { ApiError, errorMessage } from "@/lib/api-client";

const DECIMAL = /^\d+(\.\d+)?$/;
const decimalsOf = (value: string) => value.split(".")[1]?.length ?? 0;

/** Dollars per day as typed: a plain number, within what the server stores (10 decimals, 20 digits). */
export const dailyUsdField = z
  .string()
  .trim()
  .min(1, "Enter a daily limit in dollars, for example 5 or 12.50.")
  .refine(
    (value) => DECIMAL.test(value),
    "Enter the limit as a plain number of dollars, for example 5 or 12.50 (no $ sign, no commas).",
  )
  .refine((value) => decimalsOf(value) <= 10, "Use at most 10 decimals.")
  .refine(
    (value) => value.split(".")[0]!.replace(/^0+(?=\d)/, "").length <= 10,
    "That is more than anyone can spend in a day; enter a smaller limit.",
  );

/** A share in percent as typed: 0 to 100, at most 4 decimals (what the server stores). */
export const sharePctField = z
  .string()
  .trim()
  .min(1, "Enter a share between 0 and 100 (%).")
  .refine(
    (value) => DECIMAL.test(value),
    "Enter the share as a plain number between 0 and 100, for example 25 or 12.5.",
  )
  .refine((value) => Number(value) <= 100, "A share cannot be more than 100%.")
  .refine((value) => decimalsOf(value) <= 4, "Use at most 4 decimals.");

export const globalLimitSchema = z.object({ dailyUsd: dailyUsdField });
export const shareSchema = z.object({ sharePct: sharePctField });
export const agentShareSchema = z.object({
  agentName: z.string().min(1, "Choose an agent (every agent of this project has a share already)."),
  sharePct: sharePctField,
});

export type GlobalLimitValues = z.infer<typeof globalLimitSchema>;
export type ShareValues = z.infer<typeof shareSchema>;
export type AgentShareValues = z.infer<typeof agentShareSchema>;

/**
 * What to tell the person when saving failed. The server's own refusals (shares over 100%,
 * a limit removed meanwhile) are sentences and are shown as they are; a request the server's
 * schema refused names a field path, which a person cannot act on, so it becomes a sentence.
 */
export function saveErrorMessage(error: Error | null): string | null {
  if (error instanceof ApiError && error.status === 422 && hasFieldDetails(error.payload)) {
    return "The server did not accept this value. Check the number and try again.";
  }
  return errorMessage(error);
}

function hasFieldDetails(payload: unknown): boolean {
  if (typeof payload !== "object" || payload === null || !("error" in payload)) return false;
  const { error } = payload as { error: unknown };
  return typeof error === "object" && error !== null && "details" in error;
}
