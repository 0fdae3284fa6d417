import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { PasswordSettings } from "./password-settings";

function show() {
  renderSignedIn(<PasswordSettings />);
}

async function fill(current: string, next: string, again: string) {
  fireEvent.change(screen.getByLabelText("Current password"), { target: { value: current } });
  fireEvent.change(screen.getByLabelText("New password"), { target: { value: next } });
  fireEvent.change(screen.getByLabelText("New password again"), { target: { value: again } });
  fireEvent.click(screen.getByRole("button", { name: "Change password" }));
}

describe("changing the password", () => {
  it("says what is wrong before sending: too short, or two different new passwords", async () => {
    let sent = 0;
    server.use(
      http.post(`${API}/api/auth/password`, () => {
        sent += 1;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    show();
    await fill("the old one here", "short", "shorter");
    expect(await screen.findByText("The new password must have at least 10 characters.")).toBeTruthy();
    expect(screen.getByText("The two new passwords differ.")).toBeTruthy();
    expect(sent).toBe(0);
  });

  it("sends the current and the new password, and says the other sessions ended", async () => {
    let body: unknown = null;
    server.use(
      http.post(`${API}/api/auth/password`, async ({ request }) => {
        body = await request.json();
        return new HttpResponse(null, { status: 204 });
      }),
    );
    show();
    await fill("the old one here", "a much longer one", "a much longer one");
    expect(await screen.findByRole("status")).toHaveProperty(
      "textContent",
      "Password changed. Every other session of your account has been logged out.",
    );
    expect(body).toEqual({ current_password: "the old one here", new_password: "a much longer one" });
    await waitFor(() => expect(screen.getByLabelText("Current password")).toHaveProperty("value", ""));
  });

  it("says a wrong current password in words", async () => {
    server.use(
      http.post(`${API}/api/auth/password`, () =>
        HttpResponse.json(
          { error: { code: "invalid_credentials", message: "the password is wrong" } },
          { status: 401 },
        ),
      ),
    );
    show();
    await fill("not the one", "a much longer one", "a much longer one");
    expect(await screen.findByText("Wrong password.")).toBeTruthy();
  });
});
