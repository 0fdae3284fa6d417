import { GitBranch, GitMerge, GitPullRequest } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import { shortSha } from "@/lib/format";
import type { PullRequest } from "../types";
import { CiBadge } from "./ci-badge";

const STATE_CLASSES: Record<PullRequest["state"], string> = {
  open: "border-emerald-500/40 bg-emerald-500/15 text-emerald-300",
  merged: "border-violet-500/40 bg-violet-500/15 text-violet-300",
  closed: "border-red-500/40 bg-red-500/15 text-red-300",
};

export function PullStateBadge({ state }: { state: PullRequest["state"] }) {
  return (
    <Badge variant="outline" className={cn("gap-1", STATE_CLASSES[state])}>
      {state === "merged" ? (
        <GitMerge className="h-3 w-3" aria-hidden="true" />
      ) : (
        <GitPullRequest className="h-3 w-3" aria-hidden="true" />
      )}
      {state}
    </Badge>
  );
}

function Sha({ sha }: { sha: string | null }) {
  if (!sha) return <span className="text-muted-foreground">—</span>;
  return (
    <code className="font-mono text-xs" title={sha}>
      {shortSha(sha)}
    </code>
  );
}

/** Branches, state and commits of a pull request. */
export function PullRequestSummary({ pull }: { pull: PullRequest }) {
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm text-muted-foreground">PR #{pull.number}</span>
        <span className="min-w-0 font-medium [overflow-wrap:anywhere]">{pull.title}</span>
        <PullStateBadge state={pull.state} />
        <CiBadge pull={pull} />
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        <dt className="text-muted-foreground">Branch</dt>
        <dd className="flex flex-wrap items-center gap-1.5 font-mono text-xs">
          <GitBranch className="h-3.5 w-3.5 text-muted-foreground" aria-hidden="true" />
          <span>{pull.head_branch}</span>
          <span className="text-muted-foreground" aria-label="into">
            →
          </span>
          <span>{pull.base_branch}</span>
        </dd>
        <dt className="text-muted-foreground">Head</dt>
        <dd>
          <Sha sha={pull.head_sha} />
        </dd>
        <dt className="text-muted-foreground">Base</dt>
        <dd>
          <Sha sha={pull.base_sha} />
        </dd>
        <dt className="text-muted-foreground">Merge commit</dt>
        <dd>
          <Sha sha={pull.merge_sha} />
        </dd>
      </dl>
    </div>
  );
}
