import { useId, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Link2, Loader2, Unlink } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ConfirmButton } from "@/components/confirm-button";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { formatTimestamp } from "@/lib/format";
import {
  botTokenSchema,
  useLinkCode,
  useSetBotToken,
  useTelegramState,
  useUnlinkTelegram,
  type BotTokenValues,
} from "../api/telegram";
import type { TelegramState } from "../types";
import { FieldMessage } from "@/components/form-field";

/** The bot token: set here (sealed, never shown again) unless MCC_TELEGRAM_BOT_TOKEN sets it. */
function BotToken({ state }: { state: TelegramState }) {
  const setToken = useSetBotToken();
  const id = useId();
  const [replacing, setReplacing] = useState(false);
  const form = useForm<BotTokenValues>({ resolver: zodResolver(botTokenSchema), defaultValues: { token: "" } });
  const error = form.formState.errors.token;

  if (state.token_source === "environment") {
    return (
      <p className="text-sm">
        Bot token <Badge className="bg-emerald-600 hover:bg-emerald-600">configured</Badge>{" "}
        <span className="text-muted-foreground">from MCC_TELEGRAM_BOT_TOKEN.</span>
      </p>
    );
  }
  if (state.bot_configured && !replacing) {
    return (
      <div className="grid gap-2 text-sm">
        <p>
          Bot token <Badge className="bg-emerald-600 hover:bg-emerald-600">configured</Badge>{" "}
          <span className="text-muted-foreground">set on this page; never shown again.</span>
        </p>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={() => setReplacing(true)}>
            Replace the token
          </Button>
          <ConfirmButton
            label="Remove the bot"
            icon={Unlink}
            variant="ghost"
            busy={setToken.isPending}
            disabled={setToken.isPending}
            question="Remove the bot token? Nobody gets Telegram messages until a new one is set."
            confirmLabel="Remove it"
            keepLabel="Keep it"
            onClick={() => setToken.mutate(null)}
          />
        </div>
        <FormError message={errorMessage(setToken.error)} />
      </div>
    );
  }

  const onSubmit = form.handleSubmit(({ token }) =>
    setToken.mutate(token, {
      onSuccess: () => {
        form.reset({ token: "" });
        setReplacing(false);
      },
    }),
  );

  return (
    <form className="grid gap-2" onSubmit={onSubmit} noValidate aria-label="Telegram bot">
      <Label htmlFor={id}>Bot token</Label>
      <div className="flex flex-wrap gap-2">
        <Input
          id={id}
          type="password"
          autoComplete="off"
          placeholder="123456789:AAE… from @BotFather"
          className="sm:max-w-md"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-error ${id}-hint`}
          {...form.register("token")}
        />
        <Button type="submit" disabled={setToken.isPending} aria-busy={setToken.isPending}>
          {setToken.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Save token
        </Button>
        {replacing && (
          <Button type="button" variant="ghost" onClick={() => setReplacing(false)}>
            Cancel
          </Button>
        )}
      </div>
      <FieldMessage id={`${id}-error`} error={error} />
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        Create a bot with @BotFather in Telegram and paste its token; it is stored encrypted. MCC_TELEGRAM_BOT_TOKEN
        would take precedence.
      </p>
      <FormError message={errorMessage(setToken.error)} />
    </form>
  );
}

/** Your chat: linked, blocked (the bot was blocked: messages stop), or not linked yet (a one-time code). */
function ChatLink({ state, linkCode }: { state: TelegramState; linkCode: ReturnType<typeof useLinkCode> }) {
  const unlink = useUnlinkTelegram();
  const link = state.link;

  if (!state.bot_configured) {
    return <p className="text-sm text-muted-foreground">Set a bot token first; then link your chat here.</p>;
  }
  if (link?.state === "linked") {
    return (
      <div className="grid gap-2 text-sm">
        <p role="status">
          Your chat is <Badge className="bg-emerald-600 hover:bg-emerald-600">linked</Badge>
          {link.username ? ` to @${link.username}` : ""} since {formatTimestamp(link.linked_at)}.
        </p>
        <ConfirmButton
          label="Unlink my chat"
          icon={Unlink}
          variant="ghost"
          busy={unlink.isPending}
          disabled={unlink.isPending}
          question="Unlink your Telegram chat? You will no longer get messages or buttons there."
          confirmLabel="Unlink"
          keepLabel="Keep it"
          onClick={() => unlink.mutate()}
        />
        <FormError message={errorMessage(unlink.error)} />
      </div>
    );
  }
  return (
    <div className="grid gap-2 text-sm">
      {link?.state === "blocked" ? (
        <p role="alert" className="text-red-300">
          Your chat is <Badge variant="destructive">blocked</Badge>
          {link.detail ? ` (${link.detail})` : ""}: MCC stopped sending there. Unblock the bot in Telegram, then link
          again.
        </p>
      ) : (
        <p>
          Your chat is <Badge variant="secondary">not linked</Badge>.
        </p>
      )}
      {linkCode.data ? (
        <p role="status">
          Send the bot <code className="rounded bg-accent px-1 font-mono">{linkCode.data.command}</code> before{" "}
          {formatTimestamp(linkCode.data.expires_at)}. This page updates when it has.
        </p>
      ) : (
        <Button
          variant="outline"
          size="sm"
          className="w-fit"
          onClick={() => linkCode.mutate()}
          disabled={linkCode.isPending}
        >
          <Link2 aria-hidden="true" />
          {link?.state === "blocked" ? "Link again" : "Link my Telegram"}
        </Button>
      )}
      <FormError message={errorMessage(linkCode.error)} />
    </div>
  );
}

/** Telegram: why the bot cannot be heard from (if so), the bot token, and your chat's link (a one-time `/start <code>`). */
export function TelegramSection() {
  const linkCode = useLinkCode();
  const waiting = linkCode.data !== undefined;
  const state = useTelegramState(waiting);

  if (state.isPending) return <p className="text-sm text-muted-foreground">Loading…</p>;
  if (state.isError) return <FormError message={errorMessage(state.error)} />;
  // A code already used (the chat is linked) is not shown again.
  return (
    <div className="grid gap-4">
      {state.data.problem && (
        <p
          role="alert"
          className="rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-200"
        >
          {state.data.problem}
        </p>
      )}
      <BotToken state={state.data} />
      <ChatLink state={state.data} linkCode={linkCode} />
    </div>
  );
}
