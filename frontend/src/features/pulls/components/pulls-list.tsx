import { Link } from "react-router-dom";

import { QueryState } from "@/components/query-state";
import { usePulls } from "../api/get-pulls";
import { CiBadge } from "./ci-badge";
import { PullStateBadge } from "./pull-request-summary";

/**
 * The project's pull requests. Each links to its issue by number only: a PR's title
 * usually repeats the issue title, and the title link belongs to the issues table.
 */
export function PullsList({ projectId }: { projectId: number }) {
  const pulls = usePulls(projectId);
  return (
    <QueryState query={pulls} loading="Loading pull requests…">
      {(list) =>
        list.length === 0 ? (
          <p className="py-4 text-sm text-muted-foreground">No pull requests yet.</p>
        ) : (
          <ul className="divide-y">
            {[...list]
              .sort((a, b) => b.number - a.number)
              .map((pull) => (
                <li key={pull.number} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
                  <span className="font-mono text-muted-foreground">PR #{pull.number}</span>
                  {/* A line of its own on a phone, where one line leaves room for a few letters. */}
                  <span
                    className="min-w-0 flex-1 basis-full [overflow-wrap:anywhere] sm:basis-0 sm:truncate"
                    title={pull.title}
                  >
                    {pull.title}
                  </span>
                  <PullStateBadge state={pull.state} />
                  {pull.state === "open" && <CiBadge pull={pull} />}
                  <Link
                    to={`/projects/${projectId}/issues/${pull.issue_number}`}
                    className="text-xs text-muted-foreground hover:text-foreground hover:underline"
                  >
                    issue #{pull.issue_number}
                  </Link>
                </li>
              ))}
          </ul>
        )
      }
    </QueryState>
  );
}
