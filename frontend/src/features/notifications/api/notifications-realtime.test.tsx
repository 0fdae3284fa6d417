import { act, fireEvent, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { receiveServerEvent } from "@/lib/socket";
import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { NotificationBell } from "../components/notification-bell";
import type { AppNotification } from "../types";
import { useNotificationsRealtimeSync } from "./notifications-realtime";

const merged = (id: number): AppNotification => ({
  id,
  kind: "merged",
  level: "info",
  title: `#${id} was merged`,
  message: "",
  link: null,
  urgent: false,
  payload: {},
  created_at: "2026-12-06T10:00:00Z",
  read_at: null,
});

function BellWithRealtime() {
  useNotificationsRealtimeSync();
  return <NotificationBell />;
}

describe("notifications marked read in another tab", () => {
  it("are marked read in this tab's bell, and its count follows", async () => {
    let fetched = 0;
    server.use(
      http.get(`${API}/api/notifications`, () => {
        fetched += 1;
        return HttpResponse.json({ items: [merged(3), merged(2), merged(1)], unread: 21 });
      }),
    );
    renderSignedIn(
      <MemoryRouter>
        <BellWithRealtime />
      </MemoryRouter>,
    );
    expect(await screen.findByRole("button", { name: "Notifications, 21 unread" })).toBeTruthy();

    act(() => receiveServerEvent("notifications_read", { ids: [3], read_at: "2026-12-06T11:00:00Z", unread: 20 }));
    expect(await screen.findByRole("button", { name: "Notifications, 20 unread" })).toBeTruthy();

    act(() => receiveServerEvent("notifications_read", { ids: null, read_at: "2026-12-06T11:01:00Z", unread: 0 }));
    expect(await screen.findByRole("button", { name: "Notifications" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Notifications" }));
    expect(screen.getByRole("button", { name: "Mark all read" }).hasAttribute("disabled")).toBe(true);
    expect(fetched).toBe(1); // from the event, not a refetch
  });
});
