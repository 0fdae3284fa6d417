import { useId, useState } from "react";
import { useForm, type FieldError } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2, Trash2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { FormError } from "@/components/form-error";
import { useClearOnEdit } from "@/components/clear-on-edit";
import { formatUsd } from "@/lib/format";
import { useAgents } from "@/features/agents/api/get-agents";
import type { Project } from "@/features/projects/types";
import {
  agentShareSchema,
  globalLimitSchema,
  saveErrorMessage,
  shareSchema,
  type AgentShareValues,
  type GlobalLimitValues,
  type ShareValues,
} from "@/features/budget/api/limit-schemas";
import { useSaveLimit, type SaveLimit } from "@/features/budget/api/save-limit";
import type { Limit } from "@/features/budget/types";

function Saved({ show, children }: { show: boolean; children: string }) {
  return (
    <p role="status" className="text-xs text-emerald-300">
      {show ? children : ""}
    </p>
  );
}

/** A field's error in a sentence, under the field (its id is the input's aria-describedby). */
function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  return (
    <p id={id} role={error ? "alert" : undefined} className="text-xs text-red-300">
      {error?.message ?? ""}
    </p>
  );
}

interface GlobalLimitFormProps {
  /** The global limit row, if one was set (else the server's default applies). */
  limit: Limit | undefined;
  /** What the global level may spend today (the default when no row is set). */
  effectiveUsd: number | null;
}

/** The global daily limit in USD: everything the agents spend together per budget day. */
export function GlobalLimitForm({ limit, effectiveUsd }: GlobalLimitFormProps) {
  const save = useSaveLimit();
  const inputId = useId();
  const current = limit?.daily_usd ?? effectiveUsd;
  const [saved, setSaved] = useState(false);
  // `values` follows changes from elsewhere (another tab); what the person is typing stays.
  const form = useForm<GlobalLimitValues>({
    resolver: zodResolver(globalLimitSchema),
    values: { dailyUsd: current === null ? "" : String(current) },
    resetOptions: { keepDirtyValues: true },
  });
  useClearOnEdit(form, save.reset); // the server's refusal of the last value, not of this one
  const error = form.formState.errors.dailyUsd;

  const onSubmit = form.handleSubmit(({ dailyUsd }) => {
    setSaved(false);
    save.mutate(
      limit
        ? { kind: "update", id: limit.id, input: { daily_usd: dailyUsd } }
        : { kind: "create", input: { scope: "global", daily_usd: dailyUsd } },
      { onSuccess: () => setSaved(true) },
    );
  });

  const onReset = () => {
    if (!limit) return;
    setSaved(false);
    save.mutate({ kind: "delete", id: limit.id });
  };

  return (
    <form className="grid gap-3" onSubmit={onSubmit} noValidate aria-label="Global daily limit">
      <div className="grid gap-2 sm:max-w-xs">
        <Label htmlFor={inputId}>Daily limit (USD)</Label>
        <Input
          id={inputId}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${inputId}-error ${inputId}-hint`}
          {...form.register("dailyUsd", { onChange: () => setSaved(false) })}
        />
        <FieldMessage id={`${inputId}-error`} error={error} />
        <p id={`${inputId}-hint`} className="text-xs text-muted-foreground">
          {limit
            ? "What all agents of all projects may spend together per budget day."
            : `No limit set: the server's default${effectiveUsd !== null ? ` of ${formatUsd(effectiveUsd)}` : ""} applies.`}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={save.isPending} aria-busy={save.isPending && save.variables?.kind !== "delete"}>
          {save.isPending && save.variables?.kind !== "delete" && (
            <Loader2 className="animate-spin" aria-hidden="true" />
          )}
          Save limit
        </Button>
        {limit && (
          <Button type="button" variant="ghost" onClick={onReset} disabled={save.isPending}>
            Use the default
          </Button>
        )}
        <Saved show={saved && !save.isPending}>Saved.</Saved>
      </div>
      <FormError message={saveErrorMessage(save.error)} />
    </form>
  );
}

interface ShareRowProps {
  /** What the share is of, e.g. the project's name. */
  name: string;
  limit: Limit | undefined;
  /** The limit to create when there is none yet (rows of existing limits need none). */
  create?: (share_pct: string) => SaveLimit;
  /** What the share is a share of ("the global limit", "the project's limit"). */
  of: string;
}

/** One share input: save (create or change) and remove. */
export function ShareRow({ name, limit, create, of }: ShareRowProps) {
  const save = useSaveLimit();
  const inputId = useId();
  const [saved, setSaved] = useState(false);
  const share = limit?.share_pct ?? null;
  const form = useForm<ShareValues>({
    resolver: zodResolver(shareSchema),
    values: { sharePct: share !== null ? String(share) : "" },
    resetOptions: { keepDirtyValues: true },
  });
  useClearOnEdit(form, save.reset); // the server's refusal of the last value, not of this one
  const error = form.formState.errors.sharePct;

  const onSubmit = form.handleSubmit(({ sharePct }) => {
    setSaved(false);
    const change: SaveLimit | undefined = limit
      ? { kind: "update", id: limit.id, input: { share_pct: sharePct } }
      : create?.(sharePct);
    if (change) save.mutate(change, { onSuccess: () => setSaved(true) });
  });

  return (
    <li className="grid gap-2 rounded-md border bg-background/30 p-3">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={onSubmit}
        noValidate
        aria-label={`Budget share of ${name}`}
      >
        <div className="grid gap-1.5">
          <Label htmlFor={inputId}>Share of {name} (%)</Label>
          <Input
            id={inputId}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            className="w-28"
            placeholder="none"
            aria-invalid={error ? true : undefined}
            aria-describedby={`${inputId}-error`}
            {...form.register("sharePct", { onChange: () => setSaved(false) })}
          />
        </div>
        <p className="min-w-[10rem] flex-1 pb-2 text-xs text-muted-foreground">
          {limit?.limit_usd != null
            ? `${formatUsd(limit.limit_usd)} per day (of ${of})`
            : `No share of its own: bounded by ${of}.`}
        </p>
        <div className="flex items-center gap-1 pb-0.5">
          <Button type="submit" size="sm" disabled={save.isPending} aria-label={`Save share of ${name}`}>
            {save.isPending && save.variables?.kind !== "delete" && (
              <Loader2 className="animate-spin" aria-hidden="true" />
            )}
            Save
          </Button>
          {limit && (
            <Button
              type="button"
              size="sm"
              variant="ghost"
              disabled={save.isPending}
              onClick={() => {
                setSaved(false);
                save.mutate({ kind: "delete", id: limit.id });
              }}
              aria-label={`Remove share of ${name}`}
              title="Remove this share"
            >
              <Trash2 aria-hidden="true" />
            </Button>
          )}
        </div>
        <Saved show={saved && !save.isPending}>Saved.</Saved>
      </form>
      <FieldMessage id={`${inputId}-error`} error={error} />
      <FormError message={saveErrorMessage(save.error)} />
    </li>
  );
}

/** Each project's share of the global limit. */
export function ProjectShares({ projects, limits }: { projects: Project[]; limits: Limit[] }) {
  const projectLimits = limits.filter((limit) => limit.scope === "project");
  const total = projectLimits.reduce((sum, limit) => sum + (limit.share_pct ?? 0), 0);
  if (projects.length === 0) return <p className="text-sm text-muted-foreground">No projects yet.</p>;
  return (
    <div className="grid gap-3">
      <p className="text-xs text-muted-foreground">
        Shares set: <span className="font-mono">{total.toFixed(1)}%</span> of the global limit (at most 100%). A project
        without a share is bounded by the global limit only.
      </p>
      <ul aria-label="Project shares" className="grid gap-2">
        {projects.map((project) => (
          <ShareRow
            key={project.id}
            name={project.name}
            of="the global limit"
            limit={projectLimits.find((limit) => limit.project_id === project.id)}
            create={(share_pct) => ({
              kind: "create",
              input: { scope: "project", project_id: project.id, share_pct },
            })}
          />
        ))}
      </ul>
    </div>
  );
}

/** Agents' shares of their project's limit: the ones set, and a form to add one. */
export function AgentShares({ projects, limits }: { projects: Project[]; limits: Limit[] }) {
  const agentLimits = limits.filter((limit) => limit.scope === "agent");
  const nameOf = (projectId: number | null) =>
    projects.find((project) => project.id === projectId)?.name ?? `project ${projectId ?? "?"}`;
  return (
    <div className="grid gap-3">
      {agentLimits.length > 0 && (
        <ul aria-label="Agent shares" className="grid gap-2">
          {agentLimits.map((limit) => (
            <ShareRow
              key={limit.id}
              name={`${limit.agent_name ?? "?"} (${nameOf(limit.project_id)})`}
              of="the project's limit"
              limit={limit}
            />
          ))}
        </ul>
      )}
      {projects.length > 0 && <AddAgentShare projects={projects} taken={agentLimits} />}
    </div>
  );
}

function AddAgentShare({ projects, taken }: { projects: Project[]; taken: Limit[] }) {
  const save = useSaveLimit();
  const [projectId, setProjectId] = useState<number>(projects[0]?.id ?? 0);
  const agents = useAgents(projectId);
  const free = (agents.data ?? []).filter(
    (agent) => !taken.some((limit) => limit.project_id === projectId && limit.agent_name === agent.name),
  );
  const ids = { project: useId(), agent: useId(), share: useId() };
  const form = useForm<AgentShareValues>({
    resolver: zodResolver(agentShareSchema),
    defaultValues: { agentName: "", sharePct: "" },
  });
  useClearOnEdit(form, save.reset);
  const picked = form.watch("agentName");
  const chosen = free.some((agent) => agent.name === picked) ? picked : (free[0]?.name ?? "");
  const errors = form.formState.errors;

  const onSubmit = form.handleSubmit(({ sharePct }) => {
    save.mutate(
      { kind: "create", input: { scope: "agent", project_id: projectId, agent_name: chosen, share_pct: sharePct } },
      { onSuccess: () => form.reset({ agentName: "", sharePct: "" }) },
    );
  });

  return (
    <form
      className="grid gap-2"
      onSubmit={(event) => {
        // The select shows the first free agent until one is picked: validate that one.
        form.setValue("agentName", chosen);
        void onSubmit(event);
      }}
      noValidate
      aria-label="Add an agent share"
    >
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1.5">
          <Label htmlFor={ids.project}>Project</Label>
          <Select
            id={ids.project}
            className="w-auto"
            value={projectId}
            onChange={(event) => setProjectId(Number(event.target.value))}
          >
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={ids.agent}>Agent</Label>
          <Select
            id={ids.agent}
            className="w-auto"
            value={chosen}
            onChange={(event) => form.setValue("agentName", event.target.value)}
            disabled={free.length === 0}
            aria-invalid={errors.agentName ? true : undefined}
            aria-describedby={`${ids.agent}-error`}
          >
            {free.length === 0 && (
              <option value="">{agents.isPending ? "Loading…" : "No agent without a share"}</option>
            )}
            {free.map((agent) => (
              <option key={agent.id} value={agent.name}>
                {agent.name} ({agent.role})
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={ids.share}>Share of the project (%)</Label>
          <Input
            id={ids.share}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            className="w-28"
            aria-invalid={errors.sharePct ? true : undefined}
            aria-describedby={`${ids.share}-error`}
            {...form.register("sharePct")}
          />
        </div>
        <Button
          type="submit"
          size="sm"
          className="mb-0.5"
          disabled={save.isPending || !chosen}
          aria-busy={save.isPending}
        >
          {save.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Add agent share
        </Button>
      </div>
      <FieldMessage id={`${ids.agent}-error`} error={errors.agentName} />
      <FieldMessage id={`${ids.share}-error`} error={errors.sharePct} />
      <FormError message={saveErrorMessage(save.error)} />
    </form>
  );
}
