import { CheckCircle2, CircleDashed, CircleSlash, Loader2, XCircle } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import type { PullRequest } from "../types";

/** What failed, from the server's one-line summary ("CI: failed (lint, tests)" → "lint, tests"). */
function failedChecks(summary: string | null | undefined): string {
  if (!summary) return "";
  const named = /^CI: failed \((.+)\)$/.exec(summary);
  return named?.[1] ?? summary.replace(/^CI:\s*/, "");
}

/** The repository's CI on a pull request's head, in plain words; nothing before MCC has read it. */
export function ciWords(pull: Pick<PullRequest, "ci_state" | "ci_summary">): string | null {
  switch (pull.ci_state) {
    case null:
    case undefined:
      return null;
    case "success":
      return "CI passed";
    case "failure": {
      const what = failedChecks(pull.ci_summary);
      return what ? `CI failing: ${what}` : "CI failing";
    }
    case "pending":
      return "Waiting for CI";
    case "none":
      return "No CI configured";
    case "ignored":
      return "CI ignored";
    default:
      return pull.ci_summary ?? `CI: ${pull.ci_state}`;
  }
}

const LOOK: Record<string, { className: string; Icon: typeof CheckCircle2 }> = {
  success: { className: "border-emerald-500/40 bg-emerald-500/15 text-emerald-300", Icon: CheckCircle2 },
  failure: { className: "border-red-500/40 bg-red-500/15 text-red-300", Icon: XCircle },
  pending: { className: "border-amber-500/40 bg-amber-500/15 text-amber-300", Icon: Loader2 },
  none: { className: "text-muted-foreground", Icon: CircleDashed },
  ignored: { className: "text-muted-foreground", Icon: CircleSlash },
};

/** A small badge with the CI result; the full summary is its tooltip. */
export function CiBadge({ pull }: { pull: Pick<PullRequest, "ci_state" | "ci_summary"> }) {
  const words = ciWords(pull);
  if (!words) return null;
  const look = LOOK[pull.ci_state ?? ""] ?? LOOK.none!;
  const { Icon } = look;
  return (
    <Badge
      variant="outline"
      className={cn("max-w-full gap-1 whitespace-normal", look.className)}
      title={pull.ci_summary ?? undefined}
    >
      <Icon className={cn("h-3 w-3 shrink-0", pull.ci_state === "pending" && "animate-spin")} aria-hidden="true" />
      <span className="break-words">{words}</span>
    </Badge>
  );
}
