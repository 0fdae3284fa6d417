import { useEffect, useId, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Loader2, RotateCcw, Save } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { QueryState } from "@/components/query-state";
import { ApiError } from "@/lib/api-client";
import { useRuleFiles, useSaveRuleFile } from "../api/rules";
import type { RuleFile, RuleFiles } from "../types";
import { FieldMessage } from "@/components/form-field";
import { CreateRulesFiles } from "./create-rules-files";

const ruleFileSchema = (maxChars: number) =>
  z.object({
    content: z
      .string()
      .max(
        maxChars,
        `A rule file can be at most ${maxChars.toLocaleString()} characters: agents would not read the rest.`,
      ),
  });

const readsIt = (file: RuleFile) =>
  file.role ? `Read by every ${file.role} of the project.` : "Read by every agent of the project.";

function FileForm({ projectId, rules, file }: { projectId: number; rules: RuleFiles; file: RuleFile }) {
  const save = useSaveRuleFile(projectId);
  const files = useRuleFiles(projectId);
  const inputId = useId();
  // The version this edit started from: a save names it, so another change is never overwritten.
  const [base, setBase] = useState<string | null>(file.sha);
  const [saved, setSaved] = useState(false);
  const form = useForm<{ content: string }>({
    resolver: zodResolver(ruleFileSchema(rules.max_chars)),
    // A missing file starts from its template: saving it adds the file.
    defaultValues: { content: file.content ?? file.template },
  });
  const error = form.formState.errors.content;
  const length = form.watch("content").length;
  const stale = save.error instanceof ApiError && save.error.status === 409;

  const onSubmit = form.handleSubmit(({ content }) => {
    setSaved(false);
    save.mutate(
      { name: file.name, content, base_sha: base },
      {
        onSuccess: (done) => {
          setBase(done.file.sha);
          form.reset({ content: done.file.content ?? done.file.template });
          setSaved(true);
        },
      },
    );
  });

  const reload = async () => {
    const fresh = (await files.refetch()).data?.files.find((f) => f.name === file.name);
    if (!fresh) return;
    setBase(fresh.sha);
    form.reset({ content: fresh.content ?? "" });
    save.reset();
  };

  return (
    <form className="grid gap-2" onSubmit={onSubmit} noValidate aria-label={`Rules in ${file.path}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <Label htmlFor={inputId} className="font-mono">
          {file.path}
        </Label>
        <span className="text-xs text-muted-foreground">
          {readsIt(file)}{" "}
          {file.content === null &&
            (rules.editable
              ? "Not in the repository yet: this is its template, saving adds it."
              : "Not in the repository yet.")}
        </span>
      </div>
      <Textarea
        id={inputId}
        rows={14}
        readOnly={!rules.editable}
        className="font-mono text-xs leading-relaxed"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${inputId}-error ${inputId}-count`}
        {...form.register("content", { onChange: () => setSaved(false) })}
      />
      <p id={`${inputId}-count`} className="text-right text-xs text-muted-foreground">
        {length.toLocaleString()} / {rules.max_chars.toLocaleString()} characters
      </p>
      <FieldMessage id={`${inputId}-error`} error={error} />
      <FormError message={save.error?.message} />
      {rules.editable && (
        <div className="flex flex-wrap items-center gap-2">
          <Button
            type="submit"
            disabled={save.isPending || (!form.formState.isDirty && file.content !== null)}
            aria-busy={save.isPending}
          >
            {save.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Save aria-hidden="true" />}
            Save to {rules.branch}
          </Button>
          {stale && (
            <Button type="button" variant="secondary" onClick={() => void reload()}>
              <RotateCcw aria-hidden="true" />
              Load the current version (replaces your text)
            </Button>
          )}
          <p role="status" className="text-sm text-emerald-300">
            {saved && !save.isPending ? `Committed to ${rules.branch}: the next task reads it.` : ""}
          </p>
        </div>
      )}
    </form>
  );
}

/**
 * A project's rule files, one tab per file: what the next task's prompt reads from the default
 * branch, edited and committed there (or read only, with the reason, where MCC cannot commit).
 */
export function RulesEditor({ projectId }: { projectId: number }) {
  const rules = useRuleFiles(projectId);
  const [chosen, setChosen] = useState("AGENTS.md");
  const tabsId = useId();
  useEffect(() => setChosen("AGENTS.md"), [projectId]);
  return (
    <QueryState query={rules} loading="Loading the rule files…">
      {(data) => {
        const file = data.files.find((f) => f.name === chosen) ?? data.files[0];
        if (!file) return null;
        return (
          <div className="grid gap-3">
            {data.read_only_reason && <p className="text-sm text-amber-300">{data.read_only_reason}</p>}
            <CreateRulesFiles key={projectId} projectId={projectId} defaultBranch={data.branch} />
            <div role="tablist" aria-label="Rule files" className="flex flex-wrap gap-1">
              {data.files.map((f) => (
                <Button
                  key={f.name}
                  type="button"
                  role="tab"
                  id={`${tabsId}-${f.name}`}
                  size="sm"
                  variant={f.name === file.name ? "secondary" : "ghost"}
                  aria-selected={f.name === file.name}
                  aria-controls={`${tabsId}-panel`}
                  onClick={() => setChosen(f.name)}
                >
                  {f.name}
                  {f.content === null && <span className="text-xs text-muted-foreground">(missing)</span>}
                </Button>
              ))}
            </div>
            <div role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${file.name}`}>
              {/* A new form per file (and per project): each edit starts from its own version. */}
              <FileForm key={`${projectId}/${file.name}`} projectId={projectId} rules={data} file={file} />
            </div>
          </div>
        );
      }}
    </QueryState>
  );
}
