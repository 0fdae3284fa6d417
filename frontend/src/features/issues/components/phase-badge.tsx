import type { HTMLAttributes } from "react";

import { badgeVariants } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import { phaseClasses } from "../phases";
import type { Issue } from "../types";

interface PhaseBadgeProps extends HTMLAttributes<HTMLSpanElement> {
  phase: Issue["phase"];
}

/** The raw phase string (e.g. `awaiting_approval`) as a coloured badge; its text is exactly the phase. */
export function PhaseBadge({ phase, className, ...props }: PhaseBadgeProps) {
  return (
    <span
      className={cn(badgeVariants({ variant: "outline" }), "font-mono font-medium", phaseClasses(phase), className)}
      {...props}
    >
      {phase}
    </span>
  );
}
