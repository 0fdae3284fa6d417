import { QueryState } from "@/components/query-state";
import { usePullDiff } from "../api/get-pull-diff";
import { DiffView } from "./diff-view";

export function PullDiff({ projectId, number }: { projectId: number; number: number }) {
  const diff = usePullDiff(projectId, number);
  return (
    <QueryState query={diff} loading="Loading diff…">
      {(data) => <DiffView diff={data.diff} />}
    </QueryState>
  );
}
