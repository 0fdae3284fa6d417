import { Fragment, useState } from "react";
import { Pencil, Trash2 } from "lucide-react";
import { Link } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/confirm-button";
import { FormError } from "@/components/form-error";
import { STATUS_LABEL, StatusDot } from "@/components/agent-status";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { errorMessage } from "@/lib/api-client";
import { formatUsd } from "@/lib/format";
import { useDeleteAgent } from "../api/delete-agent";
import { shownStatus } from "../shown-status";
import type { Agent } from "../types";
import { EditAgentForm, type ProjectChoice } from "./agent-forms";

function DeleteAgent({ agent }: { agent: Agent }) {
  const remove = useDeleteAgent();
  const working = agent.status === "working";
  return (
    <div className="grid justify-items-end gap-1">
      <ConfirmButton
        label="Delete"
        icon={Trash2}
        variant="ghost"
        busy={remove.isPending}
        disabled={remove.isPending || working}
        question={`Delete ${agent.name}? Its conversations and branches stay; its budget share goes.`}
        confirmLabel={`Delete ${agent.name}`}
        keepLabel="Keep it"
        onClick={() => remove.mutate(agent)}
      />
      {working && <p className="text-xs text-muted-foreground">Cancel its run to delete it.</p>}
      <FormError message={errorMessage(remove.error)} />
    </div>
  );
}

const shareText = (agent: Agent) =>
  agent.budget_share_pct === null || agent.budget_share_pct === undefined ? "—" : `${agent.budget_share_pct}%`;

/** Edit and delete, one above the other on a phone (for the table to fit its width). */
function AgentActions({ agent, editing, onEdit }: { agent: Agent; editing: boolean; onEdit: (agent: Agent) => void }) {
  return (
    <div className="flex flex-col items-end gap-1 sm:flex-row sm:items-start sm:justify-end">
      <Button
        size="sm"
        variant="ghost"
        aria-expanded={editing}
        aria-label={`Edit ${agent.name}`}
        onClick={() => onEdit(agent)}
      >
        <Pencil aria-hidden="true" />
        Edit
      </Button>
      <DeleteAgent agent={agent} />
    </div>
  );
}

function StatusWithReason({ agent, emergencyPause }: { agent: Agent; emergencyPause: boolean }) {
  const status = shownStatus(agent, emergencyPause);
  return (
    <>
      <span className="inline-flex items-center gap-1.5">
        <StatusDot status={status} />
        {STATUS_LABEL[status]}
      </span>
      {agent.status_reason && (
        <p className="truncate text-xs text-muted-foreground" title={agent.status_reason}>
          {agent.status_reason}
        </p>
      )}
    </>
  );
}

/**
 * Every agent given: status and why, model, share, today's spend; edit in place, delete after asking.
 * `emergencyPause`: the system state's (it holds every working agent).
 */
export function AgentsTable({
  agents,
  projects,
  emergencyPause = false,
}: {
  agents: Agent[];
  projects: ProjectChoice[];
  emergencyPause?: boolean;
}) {
  const [editing, setEditing] = useState<number | null>(null);
  const toggleEdit = (agent: Agent) => setEditing(editing === agent.id ? null : agent.id);
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const projectName = (id: number) => names.get(id) ?? `Project ${id}`;
  if (agents.length === 0) return <p className="text-sm text-muted-foreground">No agents yet: add one below.</p>;
  return (
    <Table aria-label="Agents">
      <TableHeader>
        <TableRow>
          <TableHead className="px-2 sm:px-4">Agent</TableHead>
          <TableHead className="hidden md:table-cell">Project</TableHead>
          <TableHead className="px-2 sm:px-4">Status</TableHead>
          <TableHead className="hidden md:table-cell">Model</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Budget share</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Spent today</TableHead>
          <TableHead className="px-2 sm:px-4">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {agents.map((agent) => (
          <Fragment key={agent.id}>
            <TableRow>
              <TableCell className="px-2 sm:p-4">
                <Link className="font-medium hover:underline" to={`/projects/${agent.project_id}/agents/${agent.id}`}>
                  {agent.name}
                </Link>{" "}
                <span className="text-xs text-muted-foreground">{agent.role}</span>
                {/* On a phone the project and model columns fold in here. */}
                <p className="text-xs text-muted-foreground md:hidden">
                  {projectName(agent.project_id)} · <span className="font-mono">{agent.model}</span>
                </p>
                {/* Below sm the share and spend too, for the table to fit a phone's width. */}
                <p className="font-mono text-xs text-muted-foreground sm:hidden">
                  share {shareText(agent)} · {formatUsd(agent.spent_today_usd ?? 0)} today
                </p>
              </TableCell>
              <TableCell className="hidden md:table-cell">
                <Link className="hover:underline" to={`/projects/${agent.project_id}`}>
                  {projectName(agent.project_id)}
                </Link>
              </TableCell>
              <TableCell className="max-w-xs px-2 sm:p-4">
                <StatusWithReason agent={agent} emergencyPause={emergencyPause} />
              </TableCell>
              <TableCell className="hidden font-mono text-xs md:table-cell">{agent.model}</TableCell>
              <TableCell className="hidden text-right font-mono text-xs sm:table-cell">{shareText(agent)}</TableCell>
              <TableCell className="hidden text-right font-mono text-xs sm:table-cell">
                {formatUsd(agent.spent_today_usd ?? 0)}
              </TableCell>
              <TableCell className="px-2 sm:p-4">
                <AgentActions agent={agent} editing={editing === agent.id} onEdit={toggleEdit} />
              </TableCell>
            </TableRow>
            {editing === agent.id && (
              <TableRow>
                <TableCell colSpan={7}>
                  <EditAgentForm agent={agent} onDone={() => setEditing(null)} />
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}
