import { useId, useState, type FormEvent, type ReactNode } from "react";
import { Loader2, Rocket, Save } from "lucide-react";
import { useNavigate } from "react-router-dom";

import { Avatar } from "@/components/avatar";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { QueryState } from "@/components/query-state";
import { errorMessage } from "@/lib/api-client";
import { formatTimestamp } from "@/lib/format";
import { useAgents } from "../api/get-agents";
import { shownStatus } from "../shown-status";
import { useStartRun } from "../api/start-run";
import { useUpdateAgent } from "../api/update-agent";
import {
  MAX_RULES_LENGTH,
  MAX_TASK_LENGTH,
  MAX_TOKENS_RANGE,
  TEMPERATURE_RANGE,
  type Agent,
  type AgentUpdate,
} from "../types";
import { ROLE_COLOR, STATUS_LABEL, StatusDot } from "@/components/agent-status";

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="grid content-start gap-2">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
    </div>
  );
}

interface Draft {
  model: string;
  temperature: string;
  maxTokens: string;
  rules: string;
}

const draftOf = (agent: Agent): Draft => ({
  model: agent.model,
  temperature: String(agent.temperature),
  maxTokens: String(agent.max_tokens),
  rules: agent.rules,
});

/** The changed fields, or an error message for the first invalid one. */
function changesOf(agent: Agent, draft: Draft): AgentUpdate | string {
  const model = draft.model.trim();
  if (!model) return "The model is required.";
  const temperature = Number(draft.temperature);
  if (
    draft.temperature.trim() === "" ||
    !Number.isFinite(temperature) ||
    temperature < TEMPERATURE_RANGE.min ||
    temperature > TEMPERATURE_RANGE.max
  ) {
    return `The temperature is a number from ${TEMPERATURE_RANGE.min} to ${TEMPERATURE_RANGE.max}.`;
  }
  const maxTokens = Number(draft.maxTokens);
  if (!Number.isInteger(maxTokens) || maxTokens < MAX_TOKENS_RANGE.min || maxTokens > MAX_TOKENS_RANGE.max) {
    return `Max tokens is a whole number from ${MAX_TOKENS_RANGE.min} to ${MAX_TOKENS_RANGE.max.toLocaleString()}.`;
  }
  if (draft.rules.length > MAX_RULES_LENGTH)
    return `The rules are at most ${MAX_RULES_LENGTH.toLocaleString()} characters.`;
  const changes: AgentUpdate = {};
  if (model !== agent.model) changes.model = model;
  if (temperature !== agent.temperature) changes.temperature = temperature;
  if (maxTokens !== agent.max_tokens) changes.max_tokens = maxTokens;
  if (draft.rules !== agent.rules) changes.rules = draft.rules;
  return changes;
}

function SettingsForm({ agent }: { agent: Agent }) {
  const update = useUpdateAgent(agent.id);
  const [draft, setDraft] = useState(() => draftOf(agent));
  const [invalid, setInvalid] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = { model: useId(), temperature: useId(), maxTokens: useId(), rules: useId() };

  const edit = (field: keyof Draft, value: string) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setSaved(false);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const changes = changesOf(agent, draft);
    if (typeof changes === "string") {
      setInvalid(changes);
      return;
    }
    setInvalid(null);
    if (Object.keys(changes).length === 0) {
      setSaved(true);
      return;
    }
    update.mutate(changes, {
      onSuccess: (fresh) => {
        setDraft(draftOf(fresh));
        setSaved(true);
      },
    });
  };

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
        <Field id={ids.model} label="Model">
          <Input
            id={ids.model}
            value={draft.model}
            onChange={(e) => edit("model", e.target.value)}
            className="font-mono"
            autoComplete="off"
            spellCheck={false}
            aria-required="true"
          />
        </Field>
        <Field id={ids.temperature} label="Temperature">
          <Input
            id={ids.temperature}
            type="number"
            inputMode="decimal"
            min={TEMPERATURE_RANGE.min}
            max={TEMPERATURE_RANGE.max}
            step={0.1}
            value={draft.temperature}
            onChange={(e) => edit("temperature", e.target.value)}
          />
        </Field>
        <Field id={ids.maxTokens} label="Max tokens">
          <Input
            id={ids.maxTokens}
            type="number"
            inputMode="numeric"
            min={MAX_TOKENS_RANGE.min}
            max={MAX_TOKENS_RANGE.max}
            step={1}
            value={draft.maxTokens}
            onChange={(e) => edit("maxTokens", e.target.value)}
          />
        </Field>
      </div>
      <Field id={ids.rules} label="Rules" hint="Added to the agent's system prompt; read at the start of each task.">
        <Textarea
          id={ids.rules}
          value={draft.rules}
          onChange={(e) => edit("rules", e.target.value)}
          rows={8}
          className="font-mono text-xs leading-relaxed"
          aria-describedby={`${ids.rules}-hint`}
          placeholder="e.g. Write tests first. Keep functions small."
        />
      </Field>
      <FormError message={invalid ?? errorMessage(update.error)} />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={update.isPending} aria-busy={update.isPending}>
          {update.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Save aria-hidden="true" />}
          Save
        </Button>
        <p role="status" className="text-sm text-muted-foreground">
          {saved && !update.isPending ? "Saved. The next task uses these settings." : ""}
        </p>
      </div>
    </form>
  );
}

function TaskForm({ agent }: { agent: Agent }) {
  const navigate = useNavigate();
  const start = useStartRun(agent.project_id, agent.id);
  const [task, setTask] = useState("");
  const [title, setTitle] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const taskId = useId();
  const titleId = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!task.trim()) {
      setInvalid("Describe the task.");
      return;
    }
    if (task.length > MAX_TASK_LENGTH) {
      setInvalid(`The task is at most ${MAX_TASK_LENGTH.toLocaleString()} characters.`);
      return;
    }
    setInvalid(null);
    start.mutate(
      { task: task.trim(), title: title.trim() || null },
      { onSuccess: (run) => navigate(`/projects/${agent.project_id}/conversations/${run.conversation_id}`) },
    );
  };

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <Field id={taskId} label="Task">
        <Textarea
          id={taskId}
          value={task}
          onChange={(e) => setTask(e.target.value)}
          rows={5}
          placeholder={`What should ${agent.name} do?`}
          aria-required="true"
        />
      </Field>
      <Field id={titleId} label="Run title (optional)" hint="Names the conversation; the task's first line otherwise.">
        <Input
          id={titleId}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={300}
          autoComplete="off"
          aria-describedby={`${titleId}-hint`}
        />
      </Field>
      {agent.status === "working" && (
        <p className="text-xs text-amber-300">
          {agent.name} is working on another task; a new run starts beside it on a branch of its own.
        </p>
      )}
      <FormError message={invalid ?? errorMessage(start.error)} />
      <div>
        <Button type="submit" disabled={start.isPending} aria-busy={start.isPending}>
          {start.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Rocket aria-hidden="true" />}
          Start run
        </Button>
      </div>
    </form>
  );
}

function AgentHeader({ agent, emergencyPause }: { agent: Agent; emergencyPause: boolean }) {
  const status = shownStatus(agent, emergencyPause);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Avatar name={agent.name} color={ROLE_COLOR[agent.role]} badge={<StatusDot status={status} ring />} />
      <div className="min-w-0">
        <h1 className="truncate text-2xl font-bold tracking-tight">{agent.name}</h1>
        <p className="text-xs text-muted-foreground">added {formatTimestamp(agent.created_at)}</p>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Badge variant="secondary">{agent.role}</Badge>
        <Badge variant="outline" className="gap-1.5 font-normal" data-status={status}>
          <StatusDot status={status} className="h-2 w-2" />
          {STATUS_LABEL[status]}
        </Badge>
      </div>
      {agent.current_task && (
        <p className="basis-full truncate text-sm text-muted-foreground" title={agent.current_task}>
          <span className="font-medium text-foreground">Current task:</span> {agent.current_task}
        </p>
      )}
    </div>
  );
}

function Panel({ agent, emergencyPause }: { agent: Agent; emergencyPause: boolean }) {
  // The forms keep their edits while status events update the agent; another agent starts afresh.
  return (
    <div className="grid gap-6">
      <AgentHeader agent={agent} emergencyPause={emergencyPause} />
      <Card>
        <CardHeader>
          <CardTitle>Give a task</CardTitle>
          <CardDescription>The agent works on a new branch; you follow it live in the conversation.</CardDescription>
        </CardHeader>
        <CardContent>
          <TaskForm key={agent.id} agent={agent} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Settings</CardTitle>
          <CardDescription>Model, sampling and the agent's own rules.</CardDescription>
        </CardHeader>
        <CardContent>
          <SettingsForm key={agent.id} agent={agent} />
        </CardContent>
      </Card>
    </div>
  );
}

/** One agent: its status, a task to give it, and its settings. `emergencyPause`: the system state's. */
export function AgentPanel({
  projectId,
  agentId,
  emergencyPause = false,
}: {
  projectId: number;
  agentId: number;
  emergencyPause?: boolean;
}) {
  const agents = useAgents(projectId);
  return (
    <div className="mx-auto grid max-w-3xl gap-6">
      <QueryState query={agents} loading="Loading agent…">
        {(list) => {
          const agent = list.find((a) => a.id === agentId);
          return agent ? (
            <Panel agent={agent} emergencyPause={emergencyPause} />
          ) : (
            <FormError message={`Agent ${agentId} is not in this project.`} />
          );
        }}
      </QueryState>
    </div>
  );
}
