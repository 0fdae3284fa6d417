import { QueryState } from "@/components/query-state";
import { usePullDiff } from "../api/get-pull-diff";
import { DiffView } from "./diff-view";

/** The diff of a pull request at `headSha` (fetched again only when the head moves). */
export function PullDiff({
  projectId,
  number,
  headSha,
}: {
  projectId: number;
  number: number;
  headSha: string | null;
}) {
  const diff = usePullDiff(projectId, number, headSha);
  return (
    <QueryState query={diff} loading="Loading diff…">
      {(data) => <DiffView diff={data.diff} />}
    </QueryState>
  );
}
