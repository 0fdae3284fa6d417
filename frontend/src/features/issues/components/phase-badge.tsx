import type { HTMLAttributes } from "react";

import { badgeVariants } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import { phaseClasses, phaseWords } from "../phases";
import type { Issue } from "../types";

interface PhaseBadgeProps extends HTMLAttributes<HTMLSpanElement> {
  phase: Issue["phase"];
}

/** The phase as a coloured badge in plain words ("Awaiting your approval"); `data-phase` is the wire value. */
export function PhaseBadge({ phase, className, ...props }: PhaseBadgeProps) {
  return (
    <span
      className={cn(badgeVariants({ variant: "outline" }), "font-medium", phaseClasses(phase), className)}
      data-phase={phase}
      {...props}
    >
      {phaseWords(phase)}
    </span>
  );
}
