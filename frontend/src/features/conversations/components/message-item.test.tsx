import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Message } from "../types";
import { MessageItem } from "./message-item";

const message = (author: string, role: string) =>
  ({
    id: 1,
    conversation_id: 3,
    author,
    role,
    content: "Spec: add negate",
    tool_calls: null,
    tool_call_id: null,
    tokens: 0,
    cost: 0,
    timestamp: "2026-12-07T05:00:00Z",
  }) as unknown as Message;

function tagOf(author: string, role: string): string {
  render(
    <MessageItem message={message(author, role)} me={{ id: 1, email: "me@example.com" }} agentRoles={new Map()} />,
  );
  return screen.getByRole("article").querySelector("header span.uppercase")?.textContent ?? "";
}

describe("a message's tag", () => {
  it("calls an agent's note in the issue's conversation a note, not the person's message", () => {
    expect(tagOf("agent:architect", "user")).toBe("note");
  });

  it("keeps the role of what the person wrote", () => {
    expect(tagOf("user:1", "user")).toBe("user");
  });

  it("keeps the model's own role for an agent's answer", () => {
    expect(tagOf("agent:coder_1", "assistant")).toBe("assistant");
  });
});
