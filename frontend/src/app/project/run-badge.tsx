import { Pause } from "lucide-react";

import { cn } from "@/lib/cn";

const BADGE = {
  live: {
    className: "gap-1 bg-red-500/15 text-red-300",
    mark: <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-red-400" />,
  },
  // `!`: inside a button (the folded list's toggle) shadcn's `[&_svg]:size-4` would win.
  paused: { className: "gap-0.5 bg-amber-500/15 text-amber-300", mark: <Pause className="!size-2.5" /> },
};

/**
 * A run that goes on says "live", one held says "paused"; with `count`, how many ("2 live", the
 * folded channel list). Decoration: the row's name or description says it in words.
 */
export function RunBadge({ run, count, className }: { run: keyof typeof BADGE; count?: number; className?: string }) {
  const { className: tone, mark } = BADGE[run];
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-flex shrink-0 items-center rounded px-1 text-[10px] font-semibold uppercase tracking-wide",
        tone,
        className,
      )}
    >
      {mark}
      {count === undefined ? run : `${count} ${run}`}
    </span>
  );
}
