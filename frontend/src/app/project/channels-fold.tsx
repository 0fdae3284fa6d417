import { useId, type ReactNode } from "react";
import { ChevronDown } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { useConversations } from "@/features/conversations/api/get-conversations";
import { runState, type Conversation } from "@/features/conversations/types";
import { useEmergencyPause } from "@/features/system/api/get-system-state";
import { useChannelsFoldStore } from "@/stores/channels-fold";
import { RunBadge } from "./run-badge";

/** What the folded channel list says of itself: how many conversations, how many runs go on or are held. */
export interface ChannelsSummary {
  conversations: number;
  live: number;
  paused: number;
}

export function summarizeChannels(conversations: Conversation[], emergencyPause: boolean): ChannelsSummary {
  const states = conversations.map((conversation) => runState(conversation, emergencyPause));
  return {
    conversations: conversations.length,
    live: states.filter((state) => state === "live").length,
    paused: states.filter((state) => state === "paused").length,
  };
}

const conversationsText = (count: number) => `${count} ${count === 1 ? "conversation" : "conversations"}`;

/** The summary in words, for the toggle's name: "3 conversations, 1 live". */
export function channelsSummaryText({ conversations, live, paused }: ChannelsSummary): string {
  const parts = [conversationsText(conversations)];
  if (live > 0) parts.push(`${live} live`);
  if (paused > 0) parts.push(`${paused} paused`);
  return parts.join(", ");
}

/**
 * Below lg the project's page is one column with the channel list above the overview's issues, so
 * the list is folded by default into one row that says how many conversations there are and
 * whether a run is live, and opens on a tap: the issues start near the top of a phone's screen.
 * Opened, it stays open on every project page (the choice is the browser's, `stores/channels-fold.ts`).
 * From lg the list is a column of its own beside the page, always open: the wrappers are
 * `display: contents`, so the list stays the layout's flex item.
 */
export function ChannelsFold({ projectId, children }: { projectId: number; children: ReactNode }) {
  const { open, setOpen } = useChannelsFoldStore();
  const contentId = useId();
  // The channel list's own queries: read from the same cache, no request of their own.
  const conversations = useConversations(projectId).data;
  const emergencyPause = useEmergencyPause();
  const summary = conversations ? summarizeChannels(conversations, emergencyPause) : null;

  return (
    <div className="flex flex-col gap-1 lg:contents">
      <Button
        variant="ghost"
        className="h-10 w-full justify-start gap-2 rounded-lg border border-sidebar-border bg-sidebar px-3 lg:hidden"
        // The name says what the row shows: "Channels: 3 conversations, 1 live".
        aria-label={summary ? `Channels: ${channelsSummaryText(summary)}` : "Channels"}
        aria-expanded={open}
        aria-controls={contentId}
        onClick={() => setOpen(!open)}
      >
        <span className="font-semibold">Channels</span>
        {summary && (
          <>
            <span aria-hidden="true" className="truncate text-xs font-normal text-muted-foreground">
              {conversationsText(summary.conversations)}
            </span>
            {summary.live > 0 && <RunBadge run="live" count={summary.live} />}
            {summary.paused > 0 && <RunBadge run="paused" count={summary.paused} />}
          </>
        )}
        <ChevronDown
          aria-hidden="true"
          className={cn("ml-auto text-muted-foreground transition-transform", open && "rotate-180")}
        />
      </Button>
      <div id={contentId} className={open ? "contents" : "hidden lg:contents"}>
        {children}
      </div>
    </div>
  );
}
