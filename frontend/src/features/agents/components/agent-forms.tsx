import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2, Plus, Save } from "lucide-react";

import { Button } from "@/components/ui/button";
import { useClearOnEdit } from "@/components/clear-on-edit";
import { FormError } from "@/components/form-error";
import { Field, SelectField } from "@/components/form-field";
import {
  agentErrorMessage,
  createAgentSchema,
  editAgentSchema,
  refusedField,
  ROLES,
  type CreateAgentValues,
  type EditAgentValues,
} from "../api/agent-schemas";
import { useCreateAgent } from "../api/create-agent";
import { useUpdateAgent } from "../api/update-agent";
import type { Agent, AgentCreate, AgentUpdate } from "../types";

/** The server's defaults of a new agent (AgentCreate): change them later on the agent's page. */
const NEW_AGENT_DEFAULTS = { temperature: 0.2, max_tokens: 4096, rules: "" } as const;

export interface ProjectChoice {
  id: number;
  name: string;
}

/** A new agent: project, role, name, model and budget share; the server's refusals go next to their field. */
export function CreateAgentForm({
  projects,
  onCreated,
}: {
  projects: ProjectChoice[];
  onCreated?: (agent: Agent) => void;
}) {
  const create = useCreateAgent();
  const [created, setCreated] = useState<string | null>(null);
  const form = useForm<CreateAgentValues>({
    resolver: zodResolver(createAgentSchema),
    defaultValues: {
      projectId: projects.length === 1 ? String(projects[0]!.id) : "",
      role: "coder",
      name: "",
      model: "",
      sharePct: "",
    },
  });
  useClearOnEdit(form, () => {
    setCreated(null);
    create.reset();
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    setCreated(null);
    const input: AgentCreate = {
      ...NEW_AGENT_DEFAULTS,
      project_id: Number(values.projectId),
      role: values.role,
      name: values.name,
    };
    if (values.model) input.model = values.model;
    if (values.sharePct) input.budget_share_pct = Number(values.sharePct);
    create.mutate(input, {
      onSuccess: (agent) => {
        setCreated(`${agent.name} was added.`);
        form.reset({ ...values, name: "", sharePct: "" });
        onCreated?.(agent);
      },
      onError: (error) => {
        const field = refusedField(error);
        if (field) form.setError(field, { message: error.message }, { shouldFocus: true });
      },
    });
  });
  const wholeFormError = refusedField(create.error) ? null : agentErrorMessage(create.error);

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate aria-label="New agent">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Project" registration={form.register("projectId")} error={errors.projectId}>
          <option value="">Choose a project…</option>
          {projects.map((project) => (
            <option key={project.id} value={project.id}>
              {project.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="Role" registration={form.register("role")} error={errors.role}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {role}
            </option>
          ))}
        </SelectField>
        <Field
          label="Name"
          autoComplete="off"
          spellCheck={false}
          placeholder="coder_3"
          registration={form.register("name")}
          error={errors.name}
        />
        <Field
          label="Model (optional)"
          className="font-mono"
          autoComplete="off"
          spellCheck={false}
          placeholder="the default model"
          registration={form.register("model")}
          error={errors.model}
        />
        <Field
          label="Budget share (%, optional)"
          inputMode="decimal"
          autoComplete="off"
          placeholder="none"
          registration={form.register("sharePct")}
          error={errors.sharePct}
          hint="Its part of the project's daily budget; the project's agents share at most 100%."
        />
      </div>
      <FormError message={wholeFormError} />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={create.isPending} aria-busy={create.isPending}>
          {create.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Plus aria-hidden="true" />}
          Add agent
        </Button>
        <p role="status" className="text-sm text-emerald-300">
          {created && !create.isPending ? created : ""}
        </p>
      </div>
    </form>
  );
}

/** Change an agent's model and budget share in place (its next task uses them). */
export function EditAgentForm({ agent, onDone }: { agent: Agent; onDone: () => void }) {
  const update = useUpdateAgent(agent.id);
  const share = agent.budget_share_pct ?? null;
  const form = useForm<EditAgentValues>({
    resolver: zodResolver(editAgentSchema),
    defaultValues: { model: agent.model, sharePct: share === null ? "" : String(share) },
  });
  useClearOnEdit(form, update.reset);
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) => {
    if (values.sharePct === "" && share !== null) {
      form.setError("sharePct", {
        message: "A share can be changed here but not removed: remove it on the Budget page.",
      });
      return;
    }
    const changes: AgentUpdate = {};
    if (values.model !== agent.model) changes.model = values.model;
    if (values.sharePct !== "" && Number(values.sharePct) !== share) changes.budget_share_pct = Number(values.sharePct);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    update.mutate(changes, {
      onSuccess: onDone,
      onError: (error) => {
        const field = refusedField(error);
        if (field === "sharePct") form.setError(field, { message: error.message }, { shouldFocus: true });
      },
    });
  });

  return (
    <form className="grid gap-3" onSubmit={onSubmit} noValidate aria-label={`Edit ${agent.name}`}>
      <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Field
          label="Model"
          className="font-mono"
          autoComplete="off"
          spellCheck={false}
          registration={form.register("model")}
          error={errors.model}
        />
        <Field
          label="Budget share (%)"
          inputMode="decimal"
          autoComplete="off"
          placeholder="none"
          registration={form.register("sharePct")}
          error={errors.sharePct}
        />
      </div>
      <FormError message={refusedField(update.error) ? null : agentErrorMessage(update.error)} />
      <div className="flex items-center gap-2">
        <Button type="submit" size="sm" disabled={update.isPending} aria-busy={update.isPending}>
          {update.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Save aria-hidden="true" />}
          Save
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
