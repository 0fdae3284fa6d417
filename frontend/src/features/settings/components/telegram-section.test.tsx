import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import type { TelegramState } from "../types";
import { TelegramSection } from "./telegram-section";
import { renderSignedIn } from "@/testing/render";

function stateIs(state: TelegramState) {
  server.use(http.get(`${API}/api/notifications/telegram`, () => HttpResponse.json(state)));
}

describe("the Telegram section", () => {
  it("asks for a bot token in a sentence when what was pasted is not one", async () => {
    stateIs({ bot_configured: false, token_source: null, link: null });
    const sent: unknown[] = [];
    server.use(
      http.post(`${API}/api/notifications/telegram/token`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json({ bot_configured: true, token_source: "settings", link: null });
      }),
    );
    renderSignedIn(<TelegramSection />);
    const input = await screen.findByLabelText("Bot token");

    fireEvent.change(input, { target: { value: "my bot" } });
    fireEvent.click(screen.getByRole("button", { name: "Save token" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "That is not a bot token: it looks like 123456789:AAE… from @BotFather.",
    );
    expect(sent).toEqual([]);

    fireEvent.change(input, { target: { value: "123456789:AAEabcdefghijklmnopqrstuvwxyz0123" } });
    fireEvent.click(screen.getByRole("button", { name: "Save token" }));
    await waitFor(() => expect(sent).toEqual([{ token: "123456789:AAEabcdefghijklmnopqrstuvwxyz0123" }]));
    expect(await screen.findByText("not linked")).toBeTruthy();
  });

  it("shows a blocked chat and offers to link again with a one-time code", async () => {
    stateIs({
      bot_configured: true,
      token_source: "environment",
      link: {
        state: "blocked",
        username: "ada",
        linked_at: "2026-12-01T10:00:00Z",
        detail: "Forbidden: bot was blocked by the user",
      },
    });
    server.use(
      http.post(`${API}/api/notifications/telegram/link-code`, () =>
        HttpResponse.json(
          { code: "K3Y9", expires_at: "2026-12-06T10:10:00Z", command: "/start K3Y9" },
          { status: 201 },
        ),
      ),
    );
    renderSignedIn(<TelegramSection />);

    expect((await screen.findByRole("alert")).textContent).toContain("(Forbidden: bot was blocked by the user)");
    expect(screen.getByText("from MCC_TELEGRAM_BOT_TOKEN.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Link again" }));
    expect(await screen.findByText("/start K3Y9")).toBeTruthy();
  });

  it("asks before unlinking a linked chat", async () => {
    stateIs({
      bot_configured: true,
      token_source: "settings",
      link: { state: "linked", username: "ada", linked_at: "2026-12-01T10:00:00Z", detail: null },
    });
    let unlinked = 0;
    server.use(
      http.delete(`${API}/api/notifications/telegram/link`, () => {
        unlinked += 1;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderSignedIn(<TelegramSection />);

    fireEvent.click(await screen.findByRole("button", { name: "Unlink my chat" }));
    expect(unlinked).toBe(0);
    fireEvent.click(screen.getByRole("button", { name: "Unlink" }));
    await waitFor(() => expect(unlinked).toBe(1));
    expect(await screen.findByText("not linked")).toBeTruthy();
  });

  it("says why the bot cannot be heard from while its polling keeps failing", async () => {
    const problem =
      "Telegram: the last 3 attempts to read the bot's updates failed (Unauthorized); buttons pressed in" +
      " Telegram and chat links wait until it answers. Check the bot token on the settings page and that" +
      " https://api.telegram.org (MCC_TELEGRAM_API_URL) can be reached.";
    stateIs({ bot_configured: true, token_source: "settings", problem, link: null });
    renderSignedIn(<TelegramSection />);

    expect((await screen.findByRole("alert")).textContent).toBe(problem);
  });

  it("shows Telegram's refusal of a token in its sentence, and keeps the form", async () => {
    stateIs({ bot_configured: false, token_source: null, link: null });
    const refusal = "Telegram refused the bot token (Unauthorized): copy it again from @BotFather. Nothing was saved.";
    server.use(
      http.post(`${API}/api/notifications/telegram/token`, () =>
        HttpResponse.json({ error: { code: "telegram_token_refused", message: refusal } }, { status: 422 }),
      ),
    );
    renderSignedIn(<TelegramSection />);

    fireEvent.change(await screen.findByLabelText("Bot token"), {
      target: { value: "123456789:AAEabcdefghijklmnopqrstuvwxyz0123" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Save token" }));

    expect((await screen.findByRole("alert")).textContent).toBe(refusal);
    expect(screen.getByRole("button", { name: "Save token" })).toBeTruthy();
  });
});
