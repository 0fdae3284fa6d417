import { useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";
import { useNavigate } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { useCreateIssue } from "../api/create-issue";

export function CreateIssueForm({ projectId }: { projectId: number }) {
  const navigate = useNavigate();
  const createIssue = useCreateIssue(projectId);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  // The issue is saved but its run waits for Temporal: said here, not as an error (filing
  // it again would make a second issue). The form stays on the page beside the issue.
  const [notice, setNotice] = useState<string | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!title.trim()) {
      setMissing("An issue needs a title.");
      return;
    }
    setMissing(null);
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
          onChange={(e) => setTitle(e.target.value)}
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
          onChange={(e) => setBody(e.target.value)}
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
