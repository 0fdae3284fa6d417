import { ExternalLink, Inbox } from "lucide-react";
import { NavLink, useSearchParams } from "react-router-dom";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { QueryState } from "@/components/query-state";
import { cn } from "@/lib/cn";
import { formatUsdAmount } from "@/lib/money";
import { useIssues } from "../api/get-issues";
import {
  filterIssues,
  isFiltered,
  parseIssueFilter,
  showAll,
  withIssueFilter,
  type IssueFilter,
} from "../issue-filter";
import { IssueFilterBar } from "./issue-filter-bar";
import { PhaseBadge } from "./phase-badge";

interface IssuesTableProps {
  projectId: number;
  /** Narrow column (an issue is open beside the table): the Temporal link shows as an icon. */
  compact?: boolean;
}

export function IssuesTable({ projectId, compact = false }: IssuesTableProps) {
  const issues = useIssues(projectId);
  const [params, setParams] = useSearchParams();
  const filter = parseIssueFilter(params);
  // Typing replaces the history entry (Back leaves the list instead of undoing keystrokes), and
  // at once, not in a transition: the search box is controlled by the URL and must not drop keys.
  const setFilter = (next: IssueFilter) =>
    setParams((current) => withIssueFilter(current, next), { replace: true, flushSync: true });
  const clear = () => setFilter({ ...showAll(filter), query: "" });

  return (
    <QueryState query={issues} loading="Loading issues…">
      {(all) => {
        if (all.length === 0) {
          return (
            <div className="flex flex-col items-center gap-2 py-10 text-center text-sm text-muted-foreground">
              <Inbox className="h-8 w-8" aria-hidden="true" />
              No issues yet. File one and the agents pick it up.
            </div>
          );
        }
        const list = filterIssues(all, filter);
        return (
          <>
            <IssueFilterBar filter={filter} onChange={setFilter} />
            <p role="status" className="sr-only">
              {isFiltered(filter) ? `${list.length} of ${all.length} issues shown` : ""}
            </p>
            {list.length === 0 ? (
              <div className="flex flex-col items-center gap-2 py-8 text-center text-sm text-muted-foreground">
                No issue matches this filter.
                <Button size="sm" variant="secondary" onClick={clear}>
                  Show all issues
                </Button>
              </div>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead className="w-10 px-2">#</TableHead>
                    <TableHead className="px-2">Title</TableHead>
                    <TableHead className="hidden px-2 sm:table-cell">Phase</TableHead>
                    <TableHead className={cn("hidden px-2 text-right", !compact && "sm:table-cell")}>Spend</TableHead>
                    <TableHead className="px-2">
                      <span className={cn(compact ? "sr-only" : "sr-only sm:not-sr-only")}>Workflow</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {list
                    .sort((a, b) => b.number - a.number)
                    .map((issue) => (
                      <TableRow key={issue.number}>
                        <TableCell className="px-2 font-mono text-muted-foreground">{issue.number}</TableCell>
                        {/* max-w-0 + w-full: the title takes the spare width instead of widening the table; it
                        truncates on wide screens and wraps (two lines, then the tooltip) on phones. */}
                        <TableCell className="w-full max-w-0 px-2">
                          <div className="flex items-center gap-2">
                            <NavLink
                              to={`/projects/${projectId}/issues/${issue.number}`}
                              className={({ isActive }) =>
                                cn(
                                  "line-clamp-2 min-w-0 font-medium [overflow-wrap:anywhere] hover:underline sm:line-clamp-none sm:truncate",
                                  isActive && "text-primary",
                                )
                              }
                              title={issue.title}
                            >
                              {issue.title}
                            </NavLink>
                            {issue.state === "closed" && <Badge variant="secondary">closed</Badge>}
                          </div>
                          {/* Phones: the phase under the title, so the title keeps the row's width. */}
                          <PhaseBadge
                            role="status"
                            aria-label={`phase of issue #${issue.number}`}
                            phase={issue.phase}
                            className="mt-1 sm:hidden"
                          />
                        </TableCell>
                        <TableCell className="hidden px-2 sm:table-cell">
                          <PhaseBadge
                            role="status"
                            aria-label={`phase of issue #${issue.number}`}
                            phase={issue.phase}
                          />
                        </TableCell>
                        <TableCell
                          className={cn(
                            "hidden whitespace-nowrap px-2 text-right tabular-nums text-muted-foreground",
                            !compact && "sm:table-cell",
                          )}
                          aria-label={`spend of issue #${issue.number}`}
                          title="What this issue's LLM calls cost so far"
                        >
                          {formatUsdAmount(issue.spend_usd ?? "0")}
                        </TableCell>
                        <TableCell className="px-2">
                          <a
                            href={issue.temporal_url}
                            target="_blank"
                            rel="noreferrer noopener"
                            className="inline-flex items-center gap-1 whitespace-nowrap text-muted-foreground hover:text-foreground hover:underline"
                            title="Open the workflow in the Temporal UI"
                          >
                            <span className={cn(compact ? "sr-only" : "sr-only sm:not-sr-only sm:whitespace-nowrap")}>
                              Temporal UI
                            </span>
                            <ExternalLink className="h-3.5 w-3.5" aria-hidden="true" />
                          </a>
                        </TableCell>
                      </TableRow>
                    ))}
                </TableBody>
              </Table>
            )}
          </>
        );
      }}
    </QueryState>
  );
}
