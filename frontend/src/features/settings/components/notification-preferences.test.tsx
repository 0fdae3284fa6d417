import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import type { NotificationChannel, NotificationKind, Preference } from "../types";
import { NotificationPreferences } from "./notification-preferences";
import { renderSignedIn } from "@/testing/render";

const KINDS: NotificationKind[] = [
  "approval_needed",
  "needs_attention",
  "budget_alert",
  "merged",
  "failed",
  "cancelled",
  "emergency_pause",
  "github_problem",
  "stalled",
];
const CHANNELS: NotificationChannel[] = ["in_app", "telegram"];
const ALL_ON: Preference[] = KINDS.flatMap((kind) => CHANNELS.map((channel) => ({ kind, channel, enabled: true })));

describe("the notification preferences", () => {
  it("shows every kind for every channel and saves one box as it changes", async () => {
    const sent: unknown[] = [];
    server.use(
      http.get(`${API}/api/notifications/preferences`, () => HttpResponse.json(ALL_ON)),
      http.put(`${API}/api/notifications/preferences`, async ({ request }) => {
        const [change] = (await request.json()) as [Preference];
        sent.push([change]);
        return HttpResponse.json(
          ALL_ON.map((p) => (p.kind === change.kind && p.channel === change.channel ? change : p)),
        );
      }),
    );
    renderSignedIn(<NotificationPreferences />);

    const box = await screen.findByRole("checkbox", { name: "Merged: Telegram" });
    expect(screen.getAllByRole("checkbox")).toHaveLength(KINDS.length * CHANNELS.length);
    fireEvent.click(box);

    await waitFor(() => expect(sent).toEqual([[{ kind: "merged", channel: "telegram", enabled: false }]]));
    expect((box as HTMLInputElement).checked).toBe(false);
  });

  it("puts a box back and says why when the server refuses", async () => {
    server.use(
      http.get(`${API}/api/notifications/preferences`, () => HttpResponse.json(ALL_ON)),
      http.put(`${API}/api/notifications/preferences`, () =>
        HttpResponse.json(
          { error: { code: "service_unavailable", message: "The database did not answer." } },
          { status: 503 },
        ),
      ),
    );
    renderSignedIn(<NotificationPreferences />);

    const box = await screen.findByRole("checkbox", { name: "Approval needed: In the app" });
    fireEvent.click(box);

    expect((await screen.findByRole("alert")).textContent).toBe("The database did not answer.");
    expect((box as HTMLInputElement).checked).toBe(true);
  });
});
