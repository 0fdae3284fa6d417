import { io, type Socket } from "socket.io-client";

import { freshAccessToken, refreshSession } from "@/lib/api-client";
import type { components } from "@/lib/api-schema";
import {
  parseRoom,
  RoomPositions,
  type NumberedPayload,
  type RoomCatchUp,
  type RoomPosition,
} from "@/lib/room-positions";
import { useAuthStore } from "@/stores/auth";
import { useConnectionStore } from "@/stores/connection";

type Schemas = components["schemas"];

// The server's event payloads, generated from their pydantic models (`mcc/event_payloads.py`)
// through the OpenAPI components: nothing here is written twice. Numbered events also carry
// `room`, `epoch` and `seq` (see `room-positions.ts`).

/** `task_progress` (project room): `task_id` is the workflow id, `status` the phase. */
export type TaskProgressEvent = Schemas["TaskProgressEvent"];
/** A tool call as stored on an assistant message (`arguments` is a JSON string). */
export type ToolCallPayload = Schemas["ToolCallPayload"];
/** `message` (conversation room): a message was stored. No `tool_call_id`, unlike REST. */
export type MessageEvent = Schemas["MessageEvent"];
/** `message_delta` (conversation room, not numbered): the assistant's answer of `step`, token by token. */
export type MessageDeltaEvent = Schemas["MessageDeltaEvent"];
/** `agent_status` (project room): a run started (`working`) or ended (`idle` / `error`, with its outcome). */
export type AgentStatusEvent = Schemas["AgentStatusEvent"];
/** `agent` (project room): an agent was created or changed (its REST item). */
export type AgentEvent = Schemas["AgentOut"];
/** `agent_removed` (project room): an agent was deleted. */
export type AgentRemovedEvent = Schemas["AgentRemovedEvent"];
/** `project` (the user's own room): a project was registered or changed. */
export type ProjectEvent = Schemas["ProjectOut"];
/** `project_removed` (the user's own room): a project was deleted. */
export type ProjectRemovedEvent = Schemas["ProjectRemovedEvent"];
/** `conversation` (project room): a run's conversation was opened. */
export type ConversationEvent = Schemas["ConversationOut"];
/** `budget_alert` (the user's own room): a level reached 80% (`warning`) or 100% (`critical`). */
export type BudgetAlertEvent = Schemas["BudgetAlertEvent"];
/** `system_state` (the user's own room): the emergency pause was turned on or off. */
export type SystemStateEvent = Schemas["SystemStateEvent"];
/** `notification` (the user's own room): a notification was stored (the fields of `NotificationOut`). */
export type NotificationEvent = Schemas["NotificationEvent"];
/** `notifications_read` (the user's own room): notifications were marked read (`ids` null: all of them). */
export type NotificationsReadEvent = Schemas["NotificationsReadEvent"];

/**
 * The acknowledgement of `join_conversation`, `join_project` and `send_message`. A join's ack
 * also carries the catch-up of its room; `fresh` is true when this tab had no position in the
 * room before (its first join since the page loaded): what happened before the join is only
 * in a fetch.
 */
export interface Ack extends Partial<RoomCatchUp> {
  ok: boolean;
  error?: string;
  id?: number;
  fresh?: boolean;
}

interface ServerToClientEvents {
  task_progress: (event: TaskProgressEvent) => void;
  message: (event: MessageEvent) => void;
  message_delta: (event: MessageDeltaEvent) => void;
  agent_status: (event: AgentStatusEvent) => void;
  agent: (event: AgentEvent) => void;
  agent_removed: (event: AgentRemovedEvent) => void;
  conversation: (event: ConversationEvent) => void;
  project: (event: ProjectEvent) => void;
  project_removed: (event: ProjectRemovedEvent) => void;
  budget_alert: (event: BudgetAlertEvent) => void;
  system_state: (event: SystemStateEvent) => void;
  notification: (event: NotificationEvent) => void;
  notifications_read: (event: NotificationsReadEvent) => void;
  /** The server's fan-out was cut and is back: what came meanwhile may not have reached this tab. */
  catch_up: () => void;
}

type Since = Partial<RoomPosition>;

interface ClientToServerEvents {
  join_project: (payload: { project_id: number } & Since, ack: (response: Ack) => void) => void;
  join_conversation: (payload: { conversation_id: number } & Since, ack: (response: Ack) => void) => void;
  sync: (
    payload: { rooms: ({ room: string } & RoomPosition)[] },
    ack: (response: { ok: boolean; error?: string; rooms?: RoomCatchUp[] }) => void,
  ) => void;
  send_message: (payload: { conversation_id: number; content: string }, ack: (response: Ack) => void) => void;
}

/** Every numbered server event; each goes through `receiveServerEvent` before the app sees it. */
const SERVER_EVENTS = [
  "task_progress",
  "message",
  "message_delta",
  "agent_status",
  "agent",
  "agent_removed",
  "conversation",
  "project",
  "project_removed",
  "budget_alert",
  "system_state",
  "notification",
  "notifications_read",
] as const satisfies readonly (keyof ServerToClientEvents)[];

type ServerEventName = (typeof SERVER_EVENTS)[number];
type ServerEventListener<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

const positions = new RoomPositions();
const eventListeners = new Map<string, Set<(data: never) => void>>();
/** Told when a room's missed events are no longer known: refetch what its events update. */
type ResyncListener = (room: { kind: string; id: number }) => void;
const resyncListeners = new Set<ResyncListener>();
const syncing = new Set<string>();
/** Rooms that showed a gap while their sync was under way: asked again once it answers. */
const behind = new Set<string>();

/**
 * Listen to a server event after the sequence check (instead of `socket.on`): each numbered
 * event reaches the app once, in its room's order, whether it came live or replayed.
 */
export function onServerEvent<E extends ServerEventName>(
  name: E,
  listener: (event: ServerEventListener<E>) => void,
): () => void {
  let listeners = eventListeners.get(name);
  if (!listeners) eventListeners.set(name, (listeners = new Set()));
  const entry = listener as (data: never) => void;
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}

/** Listen to `resync` answers: the server no longer has what this tab missed in a room. */
export function onResync(listener: ResyncListener): () => void {
  resyncListeners.add(listener);
  return () => {
    resyncListeners.delete(listener);
  };
}

function dispatch(name: string, data: unknown): void {
  for (const listener of eventListeners.get(name) ?? []) (listener as (payload: unknown) => void)(data);
}

function isNumbered(data: unknown): data is NumberedPayload {
  const value = data as Partial<NumberedPayload> | null;
  return typeof value?.room === "string" && typeof value.epoch === "string" && typeof value.seq === "number";
}

/**
 * A server event arrived (exported for tests, which deliver events without a server): apply it
 * when it is the next in its room, drop it when seen already, catch the room up on a gap.
 */
export function receiveServerEvent(name: string, data: unknown): void {
  if (!isNumbered(data)) {
    dispatch(name, data); // not numbered (`message_delta`): nothing to check
    return;
  }
  const arrival = positions.arrive(data);
  if (arrival === "apply") dispatch(name, data);
  else if (arrival === "gap") emitSync([positionIn(data.room)]);
}

/** Ask for what this tab missed in every room it has a position in. */
function catchUpEveryRoom(): void {
  emitSync(positions.all());
}

/** Where this tab stands in `room`, to name in a sync (number 0: nothing seen). */
function positionIn(room: string): { room: string } & RoomPosition {
  return { room, ...(positions.get(room) ?? { epoch: "", seq: 0 }) };
}

/** Apply the server's catch-up for one room (exported for tests). */
export function applyCatchUp(answer: RoomCatchUp): void {
  for (const { event, data } of positions.catchUp(answer)) dispatch(event, data);
  if (answer.resync) for (const listener of resyncListeners) listener(parseRoom(answer.room));
}

/**
 * Ask the server what this socket missed in these rooms (one request per room at a time; none
 * named: the heads of the rooms the socket is in). A gap that shows while a room's request is
 * under way may be past what that answer holds, and no later event may come to show it again
 * (a run's last message): that room is asked again from where the answer leaves it.
 */
function emitSync(rooms: ({ room: string } & RoomPosition)[]): void {
  const asked = rooms.filter(({ room }) => !syncing.has(room));
  for (const { room } of rooms) if (syncing.has(room)) behind.add(room);
  if (rooms.length > 0 && asked.length === 0) return;
  for (const { room } of asked) syncing.add(room);
  socket.timeout(ACK_TIMEOUT_MS).emit("sync", { rooms: asked }, (error, response) => {
    for (const { room } of asked) syncing.delete(room);
    // Unanswered, a room is asked again at its next gap or at the reconnect.
    if (!error && response.ok) for (const answer of response.rooms ?? []) applyCatchUp(answer);
    const again = asked.filter(({ room }) => behind.delete(room));
    if (again.length > 0) emitSync(again.map(({ room }) => positionIn(room)));
  });
}

/** The ack of a join, its room caught up; `fresh` when the tab had no position there before. */
function joined(room: string, since: RoomPosition | undefined, ack: Ack): Ack {
  if (!ack.ok) return ack;
  if (ack.room !== undefined && ack.epoch !== undefined && ack.seq !== undefined) {
    applyCatchUp({
      room: ack.room,
      epoch: ack.epoch,
      seq: ack.seq,
      resync: ack.resync ?? false,
      events: ack.events ?? [],
    });
  }
  return { ...ack, room, fresh: since === undefined };
}

/** The access token of the latest handshake, to tell a stale token from a refused one. */
let handshakeToken: string | null = null;

/**
 * The one socket.io connection of the app, same origin as the page (dev: proxied by Vite).
 * `auth` is a function, so every (re)connection attempt carries the current access token,
 * refreshed first when it is about to expire.
 */
export const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
  path: "/socket.io",
  autoConnect: false,
  auth: (send) => {
    freshAccessToken().then(
      (token) => {
        handshakeToken = token;
        send({ token });
      },
      // No session (any more): the server refuses, and connect_error sorts it out.
      () => {
        handshakeToken = null;
        send({});
      },
    );
  },
});

// Rooms live on the server per connection, so every (re)connect joins them again.
const joinedProjects = new Set<number>();
const joinedConversations = new Set<number>();
/** Told about every answer to `join_conversation` / `join_project`, the first one and those after a reconnect. */
type JoinListener = (roomId: number, ack: Ack) => void;
const joinListeners = new Set<JoinListener>();
const projectJoinListeners = new Set<JoinListener>();
const ACK_TIMEOUT_MS = 10_000;
// At most one refresh for the socket until a connection gets through (no refresh loop
// when the server keeps refusing); each later token still gets one attempt.
let refreshedForSocket = false;

const loggedIn = () => useAuthStore.getState().status === "authenticated";

function connect(): void {
  if (!loggedIn() || socket.active) return;
  useConnectionStore.getState().setStatus("connecting");
  socket.connect();
}

/**
 * The server refused the handshake (an expired or revoked token, as far as it says). Unlike
 * transport errors, socket.io does not retry this by itself: refresh once, then try again.
 */
function onRefused(message: string): void {
  const { setStatus } = useConnectionStore.getState();
  const { accessToken } = useAuthStore.getState();
  if (!loggedIn()) {
    setStatus("offline", message);
    return;
  }
  if (accessToken && accessToken !== handshakeToken) {
    connect(); // a newer token arrived while this handshake was under way
    return;
  }
  if (refreshedForSocket) {
    setStatus("offline", message); // refused with a fresh token too: give up until the next token
    return;
  }
  refreshedForSocket = true;
  setStatus("connecting", message);
  refreshSession().then(connect, (error: Error) => setStatus("offline", error.message));
}

let started = false;

/**
 * Connect while logged in, disconnect on logout, and mirror the connection state into
 * Zustand. Call once for the life of the page.
 */
export function startRealtime(): void {
  if (started) return;
  started = true;
  const { setStatus } = useConnectionStore.getState();
  socket.on("connect", () => {
    refreshedForSocket = false;
    setStatus("connected");
    for (const projectId of joinedProjects) emitJoinProject(projectId);
    for (const conversationId of joinedConversations) emitJoinConversation(conversationId);
    // The user's own room is joined at the handshake: catch it up (or learn its position).
    emitSync(positions.all().filter(({ room }) => parseRoom(room).kind === "user"));
  });
  for (const name of SERVER_EVENTS) socket.on(name, (data: unknown) => receiveServerEvent(name, data));
  socket.on("catch_up", catchUpEveryRoom);
  socket.on("disconnect", (reason) => setStatus(socket.active ? "connecting" : "offline", reason));
  socket.on("connect_error", (error) => {
    // `active`: a transport problem, socket.io retries with backoff. Otherwise the server said no.
    if (socket.active) setStatus("connecting", error.message);
    else onRefused(error.message);
  });

  useAuthStore.subscribe((state, previous) => {
    if (state.status !== "authenticated") {
      if (previous.status === "authenticated") {
        socket.disconnect();
        joinedProjects.clear(); // the next user joins the rooms of the pages they open
        joinedConversations.clear();
        positions.clear();
        behind.clear();
      }
      return;
    }
    // A connection that is up keeps going (the server checks the token at the handshake only);
    // one that was refused or given up gets another chance with each new token.
    if (state.accessToken !== previous.accessToken) connect();
  });
  connect();
}

function emitJoinProject(projectId: number): void {
  const room = `project:${projectId}`;
  const since = positions.get(room);
  socket.timeout(ACK_TIMEOUT_MS).emit("join_project", { project_id: projectId, ...since }, (error, response) => {
    const ack = joined(room, since, error ? { ok: false, error: "no answer from the server" } : response);
    for (const listener of projectJoinListeners) listener(projectId, ack);
  });
}

/**
 * Receive `task_progress` and `agent_status` for this project (there is no leave event:
 * rooms accumulate until logout).
 */
export function joinProject(projectId: number): void {
  if (joinedProjects.has(projectId)) return;
  joinedProjects.add(projectId);
  if (socket.connected) emitJoinProject(projectId);
}

/**
 * Listen to the answers of `join_project`. What changed between a page's first fetch and the
 * join went to a room the socket was not in yet: refetch then.
 */
export function onProjectJoined(listener: JoinListener): () => void {
  projectJoinListeners.add(listener);
  return () => {
    projectJoinListeners.delete(listener);
  };
}

function emitJoinConversation(conversationId: number): void {
  const room = `conversation:${conversationId}`;
  const since = positions.get(room);
  socket
    .timeout(ACK_TIMEOUT_MS)
    .emit("join_conversation", { conversation_id: conversationId, ...since }, (error, response) => {
      const ack = joined(room, since, error ? { ok: false, error: "no answer from the server" } : response);
      // Refused (e.g. not found): forget it, so a later visit asks again.
      if (!ack.ok) joinedConversations.delete(conversationId);
      for (const listener of joinListeners) listener(conversationId, ack);
    });
}

/**
 * Receive `message` and `message_delta` for this conversation (again after every reconnect;
 * there is no leave event, so rooms accumulate until logout like the project rooms).
 */
export function joinConversation(conversationId: number): void {
  if (joinedConversations.has(conversationId)) return;
  joinedConversations.add(conversationId);
  if (socket.connected) emitJoinConversation(conversationId);
}

/** Listen to the answers of `join_conversation`: after each one the messages can be caught up. */
export function onConversationJoined(listener: JoinListener): () => void {
  joinListeners.add(listener);
  return () => {
    joinListeners.delete(listener);
  };
}

/**
 * Post in a conversation over the socket. Rejects when the socket is not connected, the server
 * does not answer in time, or it refuses, so the caller can fall back to REST. (A packet emitted
 * offline would sit in socket.io's buffer and go out on reconnect: hence no emit while offline.)
 */
export async function sendMessageOverSocket(conversationId: number, content: string): Promise<number | null> {
  if (!socket.connected) throw new Error("not connected");
  const ack = await socket
    .timeout(ACK_TIMEOUT_MS)
    .emitWithAck("send_message", { conversation_id: conversationId, content });
  if (!ack.ok) throw new Error(ack.error ?? "the server refused the message");
  return ack.id ?? null;
}
