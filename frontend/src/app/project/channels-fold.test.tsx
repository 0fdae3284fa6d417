import { fireEvent, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { useChannelsFoldStore } from "@/stores/channels-fold";
import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { ChannelsFold, channelsSummaryText, summarizeChannels } from "./channels-fold";

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

describe("the folded channel list", () => {
  beforeEach(() => {
    localStorage.clear();
    useChannelsFoldStore.setState({ open: false });
    server.use(
      http.get(`${API}/api/projects/:projectId/conversations`, () => HttpResponse.json([conversation(1, "open")])),
      http.get(`${API}/api/system/state`, () =>
        HttpResponse.json({ paused: false, since: null, reason: null, budget_day: "2026-12-06", timezone: "UTC" }),
      ),
    );
  });

  const renderFold = (projectId: number) =>
    renderSignedIn(
      <ChannelsFold projectId={projectId}>
        <nav aria-label="Channels">the list</nav>
      </ChannelsFold>,
    );
  const toggle = () => screen.getByRole("button", { name: /^Channels/ });

  it("starts folded for a person who never opened it", () => {
    renderFold(3);
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
  });

  it("keeps the person's choice from one project page to the next", () => {
    const first = renderFold(3);
    fireEvent.click(toggle());
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    first.unmount();

    const second = renderFold(4);
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    fireEvent.click(toggle());
    second.unmount();

    renderFold(3);
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
  });

  it("opens after a reload where the person left it open", async () => {
    const page = renderFold(3);
    fireEvent.click(toggle());
    page.unmount();
    const key = useChannelsFoldStore.persist.getOptions().name ?? "";
    const kept = localStorage.getItem(key) ?? "";

    // A reload: the store starts folded, then reads back what the browser kept.
    useChannelsFoldStore.setState({ open: false });
    localStorage.setItem(key, kept);
    await useChannelsFoldStore.persist.rehydrate();

    renderFold(3);
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
  });
});
