import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { githubChanges, githubSchema, githubValues, useSaveGitHub, type GitHubFormValues } from "../api/save-github";
import type { GitHubSettings } from "../types";
import { FieldMessage } from "@/components/form-field";
import { fieldIds, SaveRow } from "./form-parts";
import { sourceText } from "./source-text";

function Configured({ on }: { on: boolean }) {
  return on ? (
    <Badge className="bg-emerald-600 hover:bg-emerald-600">configured</Badge>
  ) : (
    <Badge variant="secondary">not set</Badge>
  );
}

/**
 * The GitHub App: id, private key, webhook secret, API URL, and the webhook URL to give GitHub.
 * Secrets are write-only: the fields start empty, and leaving one empty keeps what is set.
 */
export function GitHubSection({ github }: { github: GitHubSettings }) {
  const save = useSaveGitHub();
  const ids = useId();
  const [saved, setSaved] = useState(false);
  const form = useForm<GitHubFormValues>({
    resolver: zodResolver(githubSchema),
    values: githubValues(github),
    // A refetch of the settings (another section's save, another tab) must not wipe what is being typed.
    resetOptions: { keepDirtyValues: true },
  });
  const errors = form.formState.errors;

  // Once saved, the form shows what is in effect (a cleared field: the environment's value or
  // GitHub's, which keepDirtyValues would hide behind the empty text), and pasted secrets leave it.
  const showSaved = (stored: GitHubSettings) => {
    form.reset(githubValues(stored), { keepDirtyValues: false });
    setSaved(true);
  };

  const onSubmit = form.handleSubmit((values) => {
    setSaved(false);
    const changes = githubChanges(values, github);
    if (Object.keys(changes).length === 0) {
      showSaved(github);
      return;
    }
    save.mutate(changes, { onSuccess: showSaved });
  });

  const forget = (field: "private_key" | "webhook_secret") => {
    setSaved(false);
    save.mutate({ [field]: null }, { onSuccess: () => setSaved(true) });
  };

  const appId = fieldIds(ids, "app-id");
  const key = fieldIds(ids, "key");
  const secret = fieldIds(ids, "secret");
  const url = fieldIds(ids, "url");

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate aria-label="GitHub App">
      <div className="grid gap-1">
        <span className="text-sm font-medium">Webhook URL</span>
        <code className="break-all rounded bg-accent px-2 py-1 font-mono text-xs">{github.webhook_url}</code>
        <span className="text-xs text-muted-foreground">
          Give GitHub this payload URL (content type application/json) and the webhook secret below.
        </span>
      </div>
      {!github.editable && (
        <p role="status" className="text-sm text-muted-foreground">
          Another account set the GitHub App up: only it can change these settings.
        </p>
      )}
      <fieldset disabled={!github.editable || save.isPending} className="grid gap-4">
        <div className="grid gap-2 sm:max-w-xs">
          <Label htmlFor={appId.id}>App id</Label>
          <Input
            id={appId.id}
            inputMode="numeric"
            autoComplete="off"
            aria-invalid={errors.appId ? true : undefined}
            aria-describedby={`${appId.errorId} ${appId.hintId}`}
            {...form.register("appId", { onChange: () => setSaved(false) })}
          />
          <FieldMessage id={appId.errorId} error={errors.appId} />
          <p id={appId.hintId} className="text-xs text-muted-foreground">
            {sourceText(github.app_id_source, "MCC_GITHUB_APP_ID")}
          </p>
        </div>

        <div className="grid gap-2">
          <div className="flex items-center gap-2">
            <Label htmlFor={key.id}>Private key</Label>
            <Configured on={github.private_key_configured} />
          </div>
          <Textarea
            id={key.id}
            rows={4}
            spellCheck={false}
            autoComplete="off"
            className="font-mono text-xs"
            placeholder={
              github.private_key_configured
                ? "Configured: paste a new .pem to replace it"
                : "-----BEGIN RSA PRIVATE KEY-----\n…\n-----END RSA PRIVATE KEY-----"
            }
            aria-invalid={errors.privateKey ? true : undefined}
            aria-describedby={`${key.errorId} ${key.hintId}`}
            {...form.register("privateKey", { onChange: () => setSaved(false) })}
          />
          <FieldMessage id={key.errorId} error={errors.privateKey} />
          <p id={key.hintId} className="text-xs text-muted-foreground">
            {sourceText(github.private_key_source, "MCC_GITHUB_PRIVATE_KEY_FILE")} Stored encrypted; never shown again.
          </p>
          {github.private_key_problem && (
            <p role="alert" className="text-xs text-red-300">
              {github.private_key_problem}
            </p>
          )}
          {github.private_key_source === "settings" && (
            <Button type="button" variant="ghost" size="sm" className="w-fit" onClick={() => forget("private_key")}>
              Forget the pasted key (use the environment's)
            </Button>
          )}
        </div>

        <div className="grid gap-2 sm:max-w-md">
          <div className="flex items-center gap-2">
            <Label htmlFor={secret.id}>Webhook secret</Label>
            <Configured on={github.webhook_secret_configured} />
          </div>
          <Input
            id={secret.id}
            type="password"
            autoComplete="new-password"
            placeholder={github.webhook_secret_configured ? "Configured: type a new one to replace it" : ""}
            aria-invalid={errors.webhookSecret ? true : undefined}
            aria-describedby={`${secret.errorId} ${secret.hintId}`}
            {...form.register("webhookSecret", { onChange: () => setSaved(false) })}
          />
          <FieldMessage id={secret.errorId} error={errors.webhookSecret} />
          <p id={secret.hintId} className="text-xs text-muted-foreground">
            {sourceText(github.webhook_secret_source, "MCC_GITHUB_WEBHOOK_SECRET")} Deliveries not signed with it are
            refused.
          </p>
          {github.webhook_secret_source === "settings" && (
            <Button type="button" variant="ghost" size="sm" className="w-fit" onClick={() => forget("webhook_secret")}>
              Forget this secret (use the environment's)
            </Button>
          )}
        </div>

        <div className="grid gap-2 sm:max-w-md">
          <Label htmlFor={url.id}>API URL</Label>
          <Input
            id={url.id}
            type="url"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={errors.apiUrl ? true : undefined}
            aria-describedby={`${url.errorId} ${url.hintId}`}
            {...form.register("apiUrl", { onChange: () => setSaved(false) })}
          />
          <FieldMessage id={url.errorId} error={errors.apiUrl} />
          <p id={url.hintId} className="text-xs text-muted-foreground">
            {github.api_url_source === null
              ? "GitHub's own API. GitHub Enterprise: https://HOST/api/v3."
              : sourceText(github.api_url_source, "MCC_GITHUB_API_URL")}
          </p>
        </div>

        <SaveRow label="Save GitHub settings" pending={save.isPending} saved={saved} />
      </fieldset>
      <FormError message={errorMessage(save.error)} />
    </form>
  );
}
