import { useState, type FormEvent } from "react";
import { Send } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/api-client";
import { formatDateTime } from "@/lib/format";
import { useLinkCode, useSetBotToken, useTelegramState } from "../api/telegram";

/** Telegram in the bell's panel: the bot token (when none is set), the chat's state, a link code. */
export function TelegramLink() {
  const linkCode = useLinkCode();
  const setToken = useSetBotToken();
  const [token, setTokenText] = useState("");
  const waiting = linkCode.data !== undefined;
  const state = useTelegramState(waiting);

  if (state.isPending) return null;
  if (state.isError) return <p className="px-2 text-xs text-muted-foreground">Telegram: {state.error.message}</p>;

  const { bot_configured: configured, link } = state.data;
  const saveToken = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) setToken.mutate(token.trim(), { onSuccess: () => setTokenText("") });
  };

  return (
    <section aria-label="Telegram" className="grid gap-1.5 border-t px-2 pt-2 text-xs">
      <div className="flex items-center gap-1.5 font-medium">
        <Send className="h-3.5 w-3.5" aria-hidden="true" /> Telegram
      </div>
      {!configured ? (
        <form onSubmit={saveToken} className="flex gap-1.5">
          <label htmlFor="telegram-token" className="sr-only">
            Bot token
          </label>
          <Input
            id="telegram-token"
            type="password"
            autoComplete="off"
            placeholder="Bot token from @BotFather"
            value={token}
            onChange={(event) => setTokenText(event.target.value)}
            className="h-7 text-xs"
          />
          <Button type="submit" size="sm" className="h-7 px-2 text-xs" disabled={setToken.isPending}>
            Save
          </Button>
        </form>
      ) : link?.state === "linked" ? (
        <p role="status">
          Linked{link.username ? ` to @${link.username}` : ""} since {formatDateTime(link.linked_at)}.
        </p>
      ) : (
        <>
          {link?.state === "blocked" && (
            <p role="alert" className="text-red-300">
              The chat is blocked{link.detail ? ` (${link.detail})` : ""}: unblock the bot, then link again.
            </p>
          )}
          {linkCode.data ? (
            <p>
              Send the bot <code className="rounded bg-accent px-1 font-mono">{linkCode.data.command}</code> before{" "}
              {formatDateTime(linkCode.data.expires_at)}.
            </p>
          ) : (
            <Button variant="outline" size="sm" className="h-7 w-fit px-2 text-xs" onClick={() => linkCode.mutate()}>
              Link my Telegram
            </Button>
          )}
        </>
      )}
      {(setToken.error ?? linkCode.error) && (
        <p role="alert" className="text-red-300">
          {errorMessage(setToken.error ?? linkCode.error)}
        </p>
      )}
    </section>
  );
}
