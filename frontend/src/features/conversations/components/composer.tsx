import { useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { Loader2, SendHorizontal } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { useSendMessage } from "../api/send-message";
import { conversationName } from "../naming";
import { hasOpenRun, MAX_MESSAGE_LENGTH, type Conversation } from "../types";

/** Step into the conversation: Enter sends, Shift+Enter starts a new line. */
export function Composer({ conversation }: { conversation: Conversation }) {
  const send = useSendMessage(conversation.id);
  const [text, setText] = useState("");
  const id = useId();
  const hintId = useId();
  const content = text.trim();
  const tooLong = text.length > MAX_MESSAGE_LENGTH;

  const submit = () => {
    if (!content || tooLong || send.isPending) return;
    send.mutate(content, { onSuccess: () => setText("") });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  // Only an agent's own run (kind `task`) is told about new messages; an issue's workflow is not.
  const hint =
    conversation.status !== "open"
      ? "The run has ended: the message is kept, no agent reads it now."
      : hasOpenRun(conversation) && conversation.kind === "task"
        ? "The agent reads it at its next step."
        : "Kept in the conversation.";

  return (
    <form onSubmit={onSubmit} className="grid shrink-0 gap-1.5">
      <Label htmlFor={id} className="sr-only">
        Message
      </Label>
      <div className="flex items-end gap-2 rounded-lg border bg-card p-2 focus-within:ring-2 focus-within:ring-ring">
        <Textarea
          id={id}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={`Message “${conversationName(conversation)}”`}
          rows={2}
          aria-describedby={hintId}
          aria-invalid={tooLong || undefined}
          className="max-h-60 min-h-[2.75rem] resize-y border-0 bg-transparent px-2 py-1.5 focus-visible:ring-0 focus-visible:ring-offset-0"
        />
        <Button type="submit" disabled={!content || tooLong || send.isPending} aria-busy={send.isPending}>
          {send.isPending ? (
            <Loader2 className="animate-spin" aria-hidden="true" />
          ) : (
            <SendHorizontal aria-hidden="true" />
          )}
          Send
        </Button>
      </div>
      <p id={hintId} className="px-1 text-xs text-muted-foreground">
        {hint} Enter sends, Shift+Enter adds a line.
        {tooLong && ` At most ${MAX_MESSAGE_LENGTH.toLocaleString()} characters.`}
      </p>
      <FormError message={errorMessage(send.error)} />
    </form>
  );
}
