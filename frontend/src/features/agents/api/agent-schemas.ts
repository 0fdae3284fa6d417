import { z } from "zod";

import { ApiError, errorMessage } from "@/lib/api-client";
import type { AgentCreate } from "../types";

/**
 * The roles a project's agent may be given (the API's own list: a role it refuses fails the
 * build). The orchestrator is the person's assistant, on its own page, never a project's agent.
 */
export const ROLES = ["architect", "coder", "tester", "reviewer"] as const satisfies readonly AgentCreate["role"][];
const NAME = /^[A-Za-z0-9_-]+$/;
const SHARE = /^\d+(\.\d+)?$/;

/** A budget share as typed: empty (no share of its own) or 0 to 100 with at most 4 decimals. */
const shareField = z
  .string()
  .trim()
  .refine(
    (value) => value === "" || SHARE.test(value),
    "Enter the share as a plain number between 0 and 100, for example 25 or 12.5, or leave it empty.",
  )
  .refine((value) => value === "" || Number(value) <= 100, "A share cannot be more than 100%.")
  .refine((value) => (value.split(".")[1]?.length ?? 0) <= 4, "Use at most 4 decimals.");

const modelField = z.string().trim().max(200, "A model name is at most 200 characters.");

export const createAgentSchema = z.object({
  projectId: z.string().min(1, "Choose the project the agent works in."),
  role: z.enum(ROLES, { error: "Choose the agent's role." }),
  name: z
    .string()
    .trim()
    .min(1, "Give the agent a name, for example coder_3.")
    .max(100, "A name is at most 100 characters.")
    .regex(NAME, "Use letters, digits, '_' and '-' only (no spaces), for example coder_3."),
  model: modelField,
  sharePct: shareField,
});

export const editAgentSchema = z.object({
  model: modelField.min(1, "Enter the model the agent uses, for example openai/gpt-4o-mini."),
  sharePct: shareField,
});

export type CreateAgentValues = z.infer<typeof createAgentSchema>;
export type EditAgentValues = z.infer<typeof editAgentSchema>;

/** The form field a refusal of the server belongs next to (null: the form as a whole). */
export function refusedField(error: ApiError | null): "name" | "sharePct" | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "budget_shares_exceeded") return "sharePct";
  if (error.status === 409 && error.message.includes("already exists")) return "name";
  return null;
}

/** What to say when saving failed: the server's sentences as they are, never a field path. */
export function agentErrorMessage(error: Error | null): string | null {
  if (error instanceof ApiError && error.status === 422 && hasFieldDetails(error.payload)) {
    return "The server did not accept these values. Check them and try again.";
  }
  return errorMessage(error);
}

function hasFieldDetails(payload: unknown): boolean {
  if (typeof payload !== "object" || payload === null || !("error" in payload)) return false;
  const { error } = payload as { error: unknown };
  return typeof error === "object" && error !== null && "details" in error;
}
