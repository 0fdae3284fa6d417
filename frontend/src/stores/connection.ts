import { create } from "zustand";

/** `connecting` covers automatic reconnection; `offline` means socket.io has given up. */
export type ConnectionStatus = "connecting" | "connected" | "offline";

interface ConnectionState {
  status: ConnectionStatus;
  lastError: string | null;
  setStatus: (status: ConnectionStatus, lastError?: string | null) => void;
}

export const useConnectionStore = create<ConnectionState>()((set) => ({
  status: "connecting",
  lastError: null,
  setStatus: (status, lastError = null) => set({ status, lastError }),
}));
