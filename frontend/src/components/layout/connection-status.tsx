import { useConnectionStore, type ConnectionStatus as Status } from "@/stores/connection";
import { cn } from "@/lib/cn";

const LABELS: Record<Status, string> = {
  connected: "Live",
  connecting: "Connecting…",
  offline: "Offline",
};

const DOT: Record<Status, string> = {
  connected: "bg-emerald-400",
  connecting: "bg-amber-400 animate-pulse",
  offline: "bg-red-400",
};

/**
 * The socket.io connection state, from the Zustand store; below 2xl the dot alone (the words are for
 * screen readers and the tooltip), so the header fits one line on a laptop.
 */
export function ConnectionStatus() {
  const status = useConnectionStore((state) => state.status);
  const lastError = useConnectionStore((state) => state.lastError);

  return (
    <span
      className="inline-flex items-center gap-1.5 rounded-full border px-1.5 py-1.5 text-xs 2xl:px-2.5 2xl:py-0.5"
      title={`Realtime updates over socket.io: ${LABELS[status]}${lastError ? ` (${lastError})` : ""}`}
      data-status={status}
    >
      <span className={cn("h-2 w-2 rounded-full", DOT[status])} aria-hidden="true" />
      <span className="sr-only 2xl:not-sr-only 2xl:whitespace-nowrap">
        <span className="sr-only">Realtime connection: </span>
        {LABELS[status]}
      </span>
    </span>
  );
}
