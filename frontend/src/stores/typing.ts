import { create } from "zustand";

import type { MessageDeltaEvent } from "@/lib/socket";

/** The answer an agent is streaming in a conversation (`message_delta`), until its `message` arrives. */
export interface Typing {
  conversationId: number;
  step: number;
  author: string;
  text: string;
}

interface TypingState {
  byConversation: Record<number, Typing>;
  append: (event: MessageDeltaEvent) => void;
  /** The final message of `author` arrived (or the agent stopped): drop the bubble. */
  finish: (conversationId: number, author?: string) => void;
  /** The agent stopped working (idle / error): drop its bubbles wherever they are. */
  finishAuthor: (author: string) => void;
  reset: () => void;
}

/** A stream that stops without its final message (a crash, a cancel) is dropped after this. */
const SILENCE_MS = 60_000;
const timers = new Map<number, ReturnType<typeof setTimeout>>();
/** The last finished step per conversation and author: late deltas of it must not bring the bubble back. */
const finishedSteps = new Map<string, number>();
const stepKey = (conversationId: number, author: string) => `${conversationId}/${author}`;

function without(state: Record<number, Typing>, conversationId: number): Record<number, Typing> {
  const next = { ...state };
  delete next[conversationId];
  return next;
}

export const useTypingStore = create<TypingState>()((set, get) => ({
  byConversation: {},
  append: (event) => {
    const finished = finishedSteps.get(stepKey(event.conversation_id, event.author));
    if (finished !== undefined && event.step <= finished) return;
    clearTimeout(timers.get(event.conversation_id));
    timers.set(
      event.conversation_id,
      setTimeout(() => get().finish(event.conversation_id), SILENCE_MS),
    );
    set((state) => {
      const current = state.byConversation[event.conversation_id];
      const same = current && current.step === event.step && current.author === event.author;
      const typing: Typing = {
        conversationId: event.conversation_id,
        step: event.step,
        author: event.author,
        text: same ? current.text + event.delta : event.delta,
      };
      return { byConversation: { ...state.byConversation, [event.conversation_id]: typing } };
    });
  },
  finish: (conversationId, author) => {
    const current = get().byConversation[conversationId];
    if (!current || (author !== undefined && current.author !== author)) return;
    finishedSteps.set(stepKey(conversationId, current.author), current.step);
    clearTimeout(timers.get(conversationId));
    timers.delete(conversationId);
    set((state) => ({ byConversation: without(state.byConversation, conversationId) }));
  },
  finishAuthor: (author) => {
    for (const typing of Object.values(get().byConversation)) {
      if (typing.author === author) get().finish(typing.conversationId, author);
    }
  },
  reset: () => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    finishedSteps.clear();
    set({ byConversation: {} });
  },
}));
