import type { components } from "@/lib/api-schema";

export type Conversation = components["schemas"]["ConversationOut"];
export type Message = components["schemas"]["MessageOut"];
export type MessageCreate = components["schemas"]["MessageCreate"];

/** The server's limit for one message (REST and socket alike). */
export const MAX_MESSAGE_LENGTH = 50_000;

/** A conversation whose run (or inbox) is still going: marked live in the channel list. */
export const isLive = (conversation: Conversation) => conversation.status === "open";

/** Pause / resume / cancel are possible (the server answers 409 otherwise; the orchestrator
 * is never paused: it only ever answers the person). */
export const hasOpenRun = (conversation: Conversation) =>
  conversation.status === "open" && conversation.run_id !== null && conversation.kind !== "orchestrator";

export type SteerAction = "pause" | "resume" | "cancel";
