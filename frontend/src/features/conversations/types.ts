import type { components } from "@/lib/api-schema";

export type Conversation = components["schemas"]["ConversationOut"];
export type Message = components["schemas"]["MessageOut"];
export type MessageCreate = components["schemas"]["MessageCreate"];

/** The server's limit for one message (REST and socket alike). */
export const MAX_MESSAGE_LENGTH = 50_000;

/** Pause / resume / cancel are possible (the server answers 409 otherwise; the orchestrator
 * is never paused: it only ever answers the person). */
export const hasOpenRun = (conversation: Conversation) =>
  conversation.status === "open" && conversation.run_id !== null && conversation.kind !== "orchestrator";

/** What a conversation's badge says: its run (or inbox) goes on, is held, or has ended. */
export type RunState = "live" | "paused" | "finished";

/**
 * A conversation still open is paused when the person paused its run (`paused`, from the
 * server) or while the emergency pause holds every run (the system state, which the caller
 * reads: features do not import each other); live otherwise.
 */
export function runState(conversation: Conversation, emergencyPause: boolean): RunState {
  if (conversation.status !== "open") return "finished";
  if (conversation.paused || (emergencyPause && hasOpenRun(conversation))) return "paused";
  return "live";
}

export type SteerAction = "pause" | "resume" | "cancel";
