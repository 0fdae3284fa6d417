import { CheckCircle2, Loader2, PlugZap, XCircle } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { useTestLlm } from "../api/test-llm";
import type { LlmSettings } from "../types";

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-0.5 sm:grid-cols-[12rem_1fr] sm:gap-3">
      <dt className="text-sm text-muted-foreground">{term}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

/** The LLM provider agents call: where, which models, whether a key is set (never the key), and a free test. */
export function LlmSection({ llm }: { llm: LlmSettings }) {
  const test = useTestLlm();
  const result = test.data;

  return (
    <div className="grid gap-4">
      <dl className="grid gap-2">
        <Row term="Provider">
          <span className="font-mono">{llm.base_url}</span>
          {llm.local && <span className="text-muted-foreground"> (a local server)</span>}
          <span className="block text-xs text-muted-foreground">Change it with MCC_LLM_BASE_URL.</span>
        </Row>
        <Row term="Default model">
          <span className="font-mono">{llm.default_model}</span>
          <span className="block text-xs text-muted-foreground">
            New agents use it (MCC_AGENT_DEFAULT_MODEL); the orchestrator uses{" "}
            <span className="font-mono">{llm.orchestrator_model}</span>.
          </span>
        </Row>
        <Row term="Fallback">
          Each agent may name a fallback model; it takes over after {llm.fallback_after_failures} failed attempt
          {llm.fallback_after_failures === 1 ? "" : "s"} on the agent's own model.
        </Row>
        <Row term="API key">
          {llm.key_configured ? (
            <Badge className="bg-emerald-600 hover:bg-emerald-600">configured</Badge>
          ) : (
            <Badge variant="secondary">not set</Badge>
          )}
          <span className="block text-xs text-muted-foreground">
            {llm.key_configured
              ? `From ${llm.key_variable}; its value is never shown.`
              : llm.local
                ? `A local server needs none; otherwise set ${llm.key_variable}.`
                : `Set ${llm.key_variable} in the environment of the MCC server and worker, then restart.`}
          </span>
        </Row>
      </dl>
      {llm.state === "not_configured" && (
        <p
          role="alert"
          className="rounded-md border border-amber-500/30 bg-amber-500/10 px-3 py-2 text-sm text-amber-200"
        >
          Agents cannot work yet: {llm.detail}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="outline" onClick={() => test.mutate()} disabled={test.isPending} aria-busy={test.isPending}>
          {test.isPending ? <Loader2 className="animate-spin" aria-hidden="true" /> : <PlugZap aria-hidden="true" />}
          Test connection
        </Button>
        <span className="text-xs text-muted-foreground">Lists the provider's models with the key: costs nothing.</span>
      </div>
      <p role="status" aria-live="polite" className="text-sm">
        {result &&
          !test.isPending &&
          (result.ok ? (
            <span className="flex items-start gap-1.5 text-emerald-300">
              <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
              {result.message}
            </span>
          ) : (
            <span className="flex items-start gap-1.5 text-red-300">
              <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
              {result.message}
            </span>
          ))}
      </p>
      <FormError message={errorMessage(test.error)} />
    </div>
  );
}
