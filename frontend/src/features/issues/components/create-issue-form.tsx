import { useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";
import { useNavigate } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { useCreateIssue } from "../api/create-issue";

// The API's limits (api/schemas/issue.py), checked here so a long paste gets a sentence.
const MAX_TITLE = 300;
const MAX_BODY = 100_000;

/** What is wrong with the form before it is sent, or null. */
function problemOf(title: string, body: string): string | null {
  if (!title.trim()) return "An issue needs a title.";
  if (title.trim().length > MAX_TITLE) return `Keep the title under ${MAX_TITLE} characters.`;
  if (body.length > MAX_BODY) return `Keep the body under ${MAX_BODY.toLocaleString("en")} characters.`;
  return null;
}

export function CreateIssueForm({ projectId }: { projectId: number }) {
  const navigate = useNavigate();
  const createIssue = useCreateIssue(projectId);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  // The issue is saved but its run waits for Temporal: said here, not as an error (filing
  // it again would make a second issue). The form stays on the page beside the issue.
  const [notice, setNotice] = useState<string | null>(null);

  // An edit is a new attempt: what was said of the last one goes.
  const edited = () => {
    setMissing(null);
    if (createIssue.error) createIssue.reset();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = problemOf(title, body);
    setMissing(problem);
    if (problem) return;
    setNotice(null);
    createIssue.mutate(
      { title: title.trim(), body },
      {
        onSuccess: (created) => {
          setTitle("");
          setBody("");
          setNotice(created.notice ?? null);
          navigate(`/projects/${projectId}/issues/${created.number}`);
        },
      },
    );
  };

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate aria-label="New issue">
      <div className="grid gap-2">
        <Label htmlFor="issue-title">Title</Label>
        <Input
          id="issue-title"
          value={title}
          onChange={(e) => {
            setTitle(e.target.value);
            edited();
          }}
          placeholder="Add a /health endpoint"
          autoComplete="off"
          aria-required="true"
        />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="issue-body">Body</Label>
        <Textarea
          id="issue-body"
          value={body}
          onChange={(e) => {
            setBody(e.target.value);
            edited();
          }}
          placeholder="What should change, and how will we know it works?"
          rows={4}
        />
      </div>
      <FormError message={missing ?? createIssue.error?.message} />
      {notice && (
        <p role="status" className="text-sm text-muted-foreground">
          {notice}
        </p>
      )}
      <div>
        <Button type="submit" disabled={createIssue.isPending} aria-busy={createIssue.isPending}>
          {createIssue.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Create issue
        </Button>
      </div>
    </form>
  );
}
