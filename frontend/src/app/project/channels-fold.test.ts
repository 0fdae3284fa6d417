import { describe, expect, it } from "vitest";

import { channelsSummaryText, summarizeChannels } from "./channels-fold";

const conversation = (id: number, status: string, paused = false, run_id: string | null = `run/${id}`) => ({
  id,
  project_id: 3,
  agent_id: null,
  kind: "task",
  title: `Task ${id}`,
  run_id,
  status,
  paused,
  outcome: null,
  summary: null,
  created_at: "2026-12-06T10:00:00Z",
});

describe("the folded channels' summary", () => {
  const list = [conversation(1, "open"), conversation(2, "open", true), conversation(3, "finished")];

  it("counts the conversations and the runs that go on or are held", () => {
    expect(channelsSummaryText(summarizeChannels(list, false))).toBe("3 conversations, 1 live, 1 paused");
    expect(channelsSummaryText(summarizeChannels([conversation(3, "finished")], false))).toBe("1 conversation");
  });

  it("shows every open run as paused during the emergency pause", () => {
    expect(summarizeChannels(list, true)).toEqual({ conversations: 3, live: 0, paused: 2 });
  });
});
