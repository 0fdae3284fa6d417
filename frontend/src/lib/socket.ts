import { io, type Socket } from "socket.io-client";

import { freshAccessToken, refreshSession } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import { useConnectionStore } from "@/stores/connection";

/** Server → client `task_progress`: `task_id` is the workflow id, `status` the phase. */
export interface TaskProgressEvent {
  task_id: string;
  percent: number;
  status: string;
  project_id: number;
  issue_number: number;
}

interface ServerToClientEvents {
  task_progress: (event: TaskProgressEvent) => void;
}

interface ClientToServerEvents {
  join_project: (payload: { project_id: number }) => void;
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
    for (const projectId of joinedProjects) socket.emit("join_project", { project_id: projectId });
  });
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
      }
      return;
    }
    // A connection that is up keeps going (the server checks the token at the handshake only);
    // one that was refused or given up gets another chance with each new token.
    if (state.accessToken !== previous.accessToken) connect();
  });
  connect();
}

/** Receive `task_progress` for this project (there is no leave event: rooms accumulate until logout). */
export function joinProject(projectId: number): void {
  if (joinedProjects.has(projectId)) return;
  joinedProjects.add(projectId);
  if (socket.connected) socket.emit("join_project", { project_id: projectId });
}
