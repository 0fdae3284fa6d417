import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import { renderSignedIn, testQueryClient } from "@/testing/render";
import { API, server } from "@/testing/server";
import { useConversation } from "../api/get-conversation";
import { conversationKeys } from "../api/keys";
import { useConversationRealtimeSync } from "../api/realtime-sync";
import type { Conversation } from "../types";
import { RunControls } from "./run-controls";

const running: Conversation = {
  id: 8,
  project_id: 3,
  agent_id: 11,
  kind: "task",
  title: "Tidy the README",
  run_id: "run/demo/coder_1/8",
  status: "open",
  paused: false,
  outcome: null,
  summary: null,
  created_at: "2026-12-06T10:00:00Z",
};

/** The controls as the conversation page has them: fed by the conversation's query, kept by its events. */
function Page() {
  useConversationRealtimeSync();
  const conversation = useConversation(3, 8);
  return conversation.data ? <RunControls conversation={conversation.data} /> : null;
}

function show(conversation: Conversation) {
  const client = testQueryClient();
  client.setQueryData(conversationKeys.detail(conversation.id), conversation);
  client.setQueryDefaults(conversationKeys.detail(conversation.id), { staleTime: Infinity });
  renderSignedIn(<Page />, client);
}

const button = (name: string) => screen.getByRole("button", { name }) as HTMLButtonElement;

describe("a conversation's run controls", () => {
  it("offer Pause while the run goes on, and only Resume once it is paused", async () => {
    server.use(
      http.post(`${API}/api/conversations/8/pause`, () =>
        HttpResponse.json({ ...running, paused: true }, { status: 202 }),
      ),
    );
    show(running);
    expect(button("Pause").disabled).toBe(false);
    expect(button("Resume").disabled).toBe(true);

    fireEvent.click(button("Pause"));
    expect(await screen.findByText(/Pause sent/)).toBeTruthy();
    expect(button("Pause").disabled).toBe(true);
    expect(button("Resume").disabled).toBe(false);
  });

  it("offer Resume for a run paused elsewhere, and Pause again once an event says it was resumed", async () => {
    show({ ...running, paused: true });
    expect(button("Pause").disabled).toBe(true);
    expect(button("Resume").disabled).toBe(false);

    // Resumed on its issue's page, or by the orchestrator: the project's room says so.
    act(() => receiveServerEvent("conversation", { ...running, paused: false }));
    await waitFor(() => expect(button("Pause").disabled).toBe(false));
    expect(button("Resume").disabled).toBe(true);
  });
});
