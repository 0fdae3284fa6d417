import { describe, expect, it } from "vitest";

import { runState, type Conversation } from "./types";

const conversation = (extra: Partial<Conversation> = {}): Conversation => ({
  id: 4,
  project_id: 3,
  agent_id: 11,
  kind: "task",
  title: "Tidy the README",
  run_id: "run/demo/coder_1/4",
  status: "open",
  paused: false,
  outcome: null,
  summary: null,
  created_at: "2026-12-06T04:00:00+00:00",
  ...extra,
});

describe("a conversation's run state", () => {
  it("is live while its run goes on", () => {
    expect(runState(conversation(), false)).toBe("live");
  });

  it("is paused, not live, once the person paused its run", () => {
    expect(runState(conversation({ paused: true }), false)).toBe("paused");
  });

  it("is paused for every open run while the emergency pause is on", () => {
    expect(runState(conversation(), true)).toBe("paused");
    expect(runState(conversation({ kind: "issue", run_id: "issue/demo/1" }), true)).toBe("paused");
  });

  it("stays live for what the emergency pause does not hold: the orchestrator, an inbox without a run", () => {
    expect(runState(conversation({ kind: "orchestrator", project_id: null }), true)).toBe("live");
    expect(runState(conversation({ kind: "inbox", run_id: null }), true)).toBe("live");
  });

  it("is finished once its run ended, whatever the pause", () => {
    expect(runState(conversation({ status: "finished", outcome: "done" }), true)).toBe("finished");
  });
});
