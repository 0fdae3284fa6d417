import { useEffect, useId, useState, type FormEvent } from "react";
import { Loader2, Trash2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { formatUsd } from "@/lib/format";
import { useAgents } from "@/features/agents/api/get-agents";
import type { Project } from "@/features/projects/types";
import { useSaveLimit, type SaveLimit } from "@/features/budget/api/save-limit";
import type { Limit } from "@/features/budget/types";

/** A number as typed (the server validates it; a 422 comes back with its message). */
function amount(value: string): number | string {
  const trimmed = value.trim();
  const number = Number(trimmed);
  return trimmed !== "" && Number.isFinite(number) ? number : trimmed;
}

function Saved({ show, children }: { show: boolean; children: string }) {
  return (
    <p role="status" className="text-xs text-emerald-300">
      {show ? children : ""}
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
  const [value, setValue] = useState(current === null ? "" : String(current));
  const [saved, setSaved] = useState(false);

  // Changed elsewhere (another tab): follow, unless the person is typing.
  useEffect(() => {
    if (!save.isPending && current !== null) setValue(String(current));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follow the server's value, not the save state
  }, [current]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const daily_usd = amount(value);
    save.mutate(
      limit
        ? { kind: "update", id: limit.id, input: { daily_usd } }
        : { kind: "create", input: { scope: "global", daily_usd } },
      { onSuccess: () => setSaved(true) },
    );
  };

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
          type="number"
          inputMode="decimal"
          min={0}
          step="0.01"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setSaved(false);
          }}
          aria-describedby={`${inputId}-hint`}
        />
        <p id={`${inputId}-hint`} className="text-xs text-muted-foreground">
          {limit
            ? "What all agents of all projects may spend together per budget day."
            : `No limit set: the server's default${effectiveUsd !== null ? ` of ${formatUsd(effectiveUsd)}` : ""} applies.`}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={save.isPending} aria-busy={save.isPending && save.variables?.kind !== "delete"}>
          {save.isPending && save.variables?.kind !== "delete" && <Loader2 className="animate-spin" aria-hidden="true" />}
          Save limit
        </Button>
        {limit && (
          <Button type="button" variant="ghost" onClick={onReset} disabled={save.isPending}>
            Use the default
          </Button>
        )}
        <Saved show={saved && !save.isPending}>Saved.</Saved>
      </div>
      <FormError message={errorMessage(save.error)} />
    </form>
  );
}

interface ShareRowProps {
  /** What the share is of, e.g. the project's name. */
  name: string;
  limit: Limit | undefined;
  /** The limit to create when there is none yet (rows of existing limits need none). */
  create?: (share_pct: number | string) => SaveLimit;
  /** What the share is a share of ("the global limit", "the project's limit"). */
  of: string;
}

/** One share input: save (create or change) and remove. */
export function ShareRow({ name, limit, create, of }: ShareRowProps) {
  const save = useSaveLimit();
  const inputId = useId();
  const [value, setValue] = useState(limit?.share_pct != null ? String(limit.share_pct) : "");
  const [saved, setSaved] = useState(false);
  const share = limit?.share_pct ?? null;

  useEffect(() => {
    if (!save.isPending) setValue(share !== null ? String(share) : "");
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follow the server's value, not the save state
  }, [share]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const share_pct = amount(value);
    const change: SaveLimit | undefined = limit
      ? { kind: "update", id: limit.id, input: { share_pct } }
      : create?.(share_pct);
    if (change) save.mutate(change, { onSuccess: () => setSaved(true) });
  };

  return (
    <li className="grid gap-2 rounded-md border bg-background/30 p-3">
      <form className="flex flex-wrap items-end gap-3" onSubmit={onSubmit} noValidate aria-label={`Budget share of ${name}`}>
        <div className="grid gap-1.5">
          <Label htmlFor={inputId}>Share of {name} (%)</Label>
          <Input
            id={inputId}
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="0.1"
            className="w-28"
            value={value}
            placeholder="none"
            onChange={(event) => {
              setValue(event.target.value);
              setSaved(false);
            }}
          />
        </div>
        <p className="min-w-[10rem] flex-1 pb-2 text-xs text-muted-foreground">
          {limit?.limit_usd != null
            ? `${formatUsd(limit.limit_usd)} per day (of ${of})`
            : `No share of its own: bounded by ${of}.`}
        </p>
        <div className="flex items-center gap-1 pb-0.5">
          <Button type="submit" size="sm" disabled={save.isPending} aria-label={`Save share of ${name}`}>
            {save.isPending && save.variables?.kind !== "delete" && <Loader2 className="animate-spin" aria-hidden="true" />}
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
      <FormError message={errorMessage(save.error)} />
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
  const [agentName, setAgentName] = useState("");
  const [share, setShare] = useState("");
  const ids = { project: useId(), agent: useId(), share: useId() };
  const chosen = free.some((agent) => agent.name === agentName) ? agentName : (free[0]?.name ?? "");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(
      { kind: "create", input: { scope: "agent", project_id: projectId, agent_name: chosen, share_pct: amount(share) } },
      { onSuccess: () => setShare("") },
    );
  };

  const selectClass =
    "flex h-10 rounded-md border border-input bg-background px-3 py-2 text-sm ring-offset-background focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2";

  return (
    <form className="grid gap-2" onSubmit={onSubmit} noValidate aria-label="Add an agent share">
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1.5">
          <Label htmlFor={ids.project}>Project</Label>
          <select
            id={ids.project}
            className={selectClass}
            value={projectId}
            onChange={(event) => setProjectId(Number(event.target.value))}
          >
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={ids.agent}>Agent</Label>
          <select
            id={ids.agent}
            className={selectClass}
            value={chosen}
            onChange={(event) => setAgentName(event.target.value)}
            disabled={free.length === 0}
          >
            {free.length === 0 && <option value="">{agents.isPending ? "Loading…" : "No agent without a share"}</option>}
            {free.map((agent) => (
              <option key={agent.id} value={agent.name}>
                {agent.name} ({agent.role})
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={ids.share}>Share of the project (%)</Label>
          <Input
            id={ids.share}
            type="number"
            inputMode="decimal"
            min={0}
            max={100}
            step="0.1"
            className="w-28"
            value={share}
            onChange={(event) => setShare(event.target.value)}
          />
        </div>
        <Button type="submit" size="sm" className="mb-0.5" disabled={save.isPending || !chosen} aria-busy={save.isPending}>
          {save.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Add agent share
        </Button>
      </div>
      <FormError message={errorMessage(save.error)} />
    </form>
  );
}
