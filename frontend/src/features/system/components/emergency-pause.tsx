import { useEffect } from "react";
import { Loader2, OctagonPause, Play } from "lucide-react";

import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api-client";
import { formatTimestamp } from "@/lib/format";
import { useConnectionStore } from "@/stores/connection";
import { useSystemState } from "../api/get-system-state";
import { useSetPaused } from "../api/set-paused";

/**
 * The header's emergency stop: "Emergency pause" stops every agent before its next LLM call
 * (calls in flight finish); "Resume all" lets them go on. The state is the server's. Below lg
 * the words are for screen readers only (and the tooltip): the header is one row on a phone and
 * beside the sidebar on a tablet; the paused badge says "Paused" alone, for a laptop's header to
 * stay one row too.
 */
export function EmergencyPause() {
  const state = useSystemState();
  const setPaused = useSetPaused();
  const paused = state.data?.paused ?? false;
  const connected = useConnectionStore((connection) => connection.status === "connected");
  const { reset } = setPaused;
  // A failed click stops mattering once the server is back or the pause changed by other means.
  useEffect(() => {
    if (connected) reset();
  }, [connected, paused, reset]);
  // A failed refetch keeps the state it had: only a state never loaded is worth an error here.
  const failure =
    errorMessage(setPaused.error) ?? (state.isError && state.data === undefined ? errorMessage(state.error) : null);
  const since = state.data?.since ? ` since ${formatTimestamp(state.data.since)}` : "";
  const reason = state.data?.reason ? ` (${state.data.reason})` : "";

  return (
    <div className="flex items-center gap-2">
      {paused && (
        <span
          role="status"
          className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border border-red-500/50 bg-red-500/15 px-1.5 py-0.5 text-xs font-medium text-red-200 lg:px-2.5"
          title={`Emergency pause${since}${reason}: no LLM call starts.`}
        >
          <OctagonPause className="h-3.5 w-3.5" aria-hidden="true" />
          <span className="sr-only">All agents paused</span>
          {/* One word, so the header stays one line (the full words are read out, and in the tooltip). */}
          <span aria-hidden="true" className="hidden lg:inline">
            Paused
          </span>
        </span>
      )}
      {paused ? (
        <Button
          size="sm"
          variant="secondary"
          className="h-8 px-2 text-xs lg:px-3"
          title="Let every agent go on"
          onClick={() => setPaused.mutate(false)}
          disabled={setPaused.isPending}
          aria-busy={setPaused.isPending}
        >
          {setPaused.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Play aria-hidden="true" />}
          <span className="sr-only lg:not-sr-only lg:whitespace-nowrap">Resume all</span>
        </Button>
      ) : (
        <Button
          size="sm"
          variant="destructive"
          className="h-8 bg-red-600 px-2 text-xs font-semibold text-white hover:bg-red-700 lg:px-3"
          onClick={() => setPaused.mutate(true)}
          disabled={setPaused.isPending}
          aria-busy={setPaused.isPending}
          title="Stop every agent before its next LLM call (calls in flight finish)"
        >
          {setPaused.isPending ? (
            <Loader2 className="animate-spin" aria-hidden="true" />
          ) : (
            <OctagonPause aria-hidden="true" />
          )}
          <span className="sr-only lg:not-sr-only lg:whitespace-nowrap">Emergency pause</span>
        </Button>
      )}
      {failure && (
        <span role="alert" className="max-w-[14rem] truncate text-xs text-red-300" title={failure}>
          {failure}
        </span>
      )}
    </div>
  );
}
