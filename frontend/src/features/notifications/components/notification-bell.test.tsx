import { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { queryDefaults } from "@/lib/query-client";
import { rateLimitedOnce } from "@/testing/rate-limited";
import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { NotificationBell } from "./notification-bell";

const merged = {
  id: 1,
  kind: "merged",
  level: "info",
  title: "#1 Add a greeting was merged",
  message: "",
  link: null,
  urgent: false,
  payload: {},
  created_at: "2026-12-06T10:00:00Z",
  read_at: null,
};

describe("the notification bell", () => {
  it("says it tries again after a rate limit, then lists the notifications", async () => {
    server.use(http.get(`${API}/api/notifications`, rateLimitedOnce({ items: [merged], unread: 1 })));
    renderSignedIn(
      <MemoryRouter>
        <NotificationBell />
      </MemoryRouter>,
      new QueryClient({ defaultOptions: queryDefaults }),
    );

    fireEvent.click(screen.getByRole("button", { name: "Notifications" }));
    const panel = screen.getByRole("dialog", { name: "Notifications" });
    expect(await within(panel).findByText(/trying again in 1 s/)).toBeTruthy();
    expect(within(panel).queryByRole("alert")).toBeNull();
    const list = await within(panel).findByRole("list", { name: "Notification list" }, { timeout: 3000 });
    expect(within(list).getByText("#1 Add a greeting was merged")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Notifications, 1 unread" })).toBeTruthy();
  });

  it("lets a long title without spaces wrap inside the panel", async () => {
    const title = `#1 ${"y".repeat(300)} was merged`;
    server.use(
      http.get(`${API}/api/notifications`, () => HttpResponse.json({ items: [{ ...merged, title }], unread: 1 })),
    );
    renderSignedIn(
      <MemoryRouter>
        <NotificationBell />
      </MemoryRouter>,
    );

    fireEvent.click(screen.getByRole("button", { name: "Notifications" }));
    expect((await screen.findByText(title)).className).toContain("[overflow-wrap:anywhere]");
  });
});
