import { useId } from "react";
import { ExternalLink, FilePlus2, Loader2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { FormError } from "@/components/form-error";
import { useCreateRulesFiles } from "../api/rules";
import type { RulesFilesProposed } from "../types";

const count = (n: number) => (n === 1 ? "1 template file" : `${n} template files`);

function outcome(done: RulesFilesProposed, defaultBranch: string): string {
  if (done.files.length === 0) {
    return done.pull_request_url
      ? "Every rule file is proposed already: its pull request is open for review."
      : "Every rule file is in the repository already: there is nothing to propose.";
  }
  const review = done.review_ref
    ? ` Review it in your repository with \`git diff ${defaultBranch}...${done.review_ref}\` and merge it to use the rules.`
    : done.pull_request_url
      ? " Merge its pull request to use the rules."
      : " Merge it to use the rules.";
  return `Committed ${count(done.files.length)} on branch ${done.branch} (${done.files.join(", ")}).${review}`;
}

/**
 * "Create rules files": commits the templates of the rule files the repository lacks on a
 * branch of their own, for the person to review and merge; the default branch is not changed.
 * On a GitHub project the branch comes with a pull request there, linked once it is open.
 */
export function CreateRulesFiles({ projectId, defaultBranch }: { projectId: number; defaultBranch: string }) {
  const create = useCreateRulesFiles(projectId);
  const helpId = useId();
  const done = create.isSuccess && !create.isPending ? create.data : undefined;
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="button"
          variant="secondary"
          onClick={() => create.mutate()}
          disabled={create.isPending}
          aria-busy={create.isPending}
          aria-describedby={helpId}
        >
          {create.isPending ? (
            <Loader2 className="animate-spin" aria-hidden="true" />
          ) : (
            <FilePlus2 aria-hidden="true" />
          )}
          Create rules files
        </Button>
        <p id={helpId} className="text-xs text-muted-foreground">
          Proposes templates of the missing rule files on a branch for review; {defaultBranch} is not changed until you
          merge it.
        </p>
      </div>
      <p role="status" className="text-sm text-emerald-300">
        {done ? outcome(done, defaultBranch) : ""}
      </p>
      {done?.pull_request_url && (
        <a
          href={done.pull_request_url}
          target="_blank"
          rel="noreferrer noopener"
          className="inline-flex w-fit items-center gap-1 text-sm text-primary hover:underline"
        >
          Review the pull request on GitHub
          <ExternalLink className="h-3.5 w-3.5" aria-hidden="true" />
        </a>
      )}
      <FormError message={create.error?.message} />
    </div>
  );
}
