import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { useAuthStore } from "@/stores/auth";
import { API, server } from "@/testing/server";
import { TwoFactorSettings } from "./two-factor-settings";

const user = { id: 1, email: "ada@example.com", totp_enabled: false };

beforeEach(() => {
  useAuthStore.getState().setSession({ access_token: "t", token_type: "bearer", expires_in: 900, user });
});

type Sent = { password: string; code: string };

function serveEnrolment(
  sent: Sent[],
  answer: (body: Sent) => Response = () => HttpResponse.json({ recovery_codes: ["aaaa-bbbb"] }),
) {
  server.use(
    http.get(`${API}/api/auth/me`, () => HttpResponse.json(user)),
    http.post(`${API}/api/auth/totp/setup`, () =>
      HttpResponse.json({ secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/x", qr_svg: "data:," }),
    ),
    http.post(`${API}/api/auth/totp/confirm`, async ({ request }) => {
      const body = (await request.json()) as Sent;
      sent.push(body);
      return answer(body);
    }),
  );
}

async function startEnrolment() {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <TwoFactorSettings />
    </QueryClientProvider>,
  );
  fireEvent.click(await screen.findByRole("button", { name: "Enable two-factor authentication" }));
  return { password: await screen.findByLabelText("Your password"), code: screen.getByLabelText("Code from your app") };
}

describe("confirming two-factor enrolment", () => {
  it("sends only a code of six digits: a typo would count as a failed check on the account", async () => {
    const sent: Sent[] = [];
    serveEnrolment(sent);
    const { password, code } = await startEnrolment();
    fireEvent.change(password, { target: { value: "correct horse battery staple" } });

    for (const typo of ["abc", "12345", "1234567"]) {
      fireEvent.change(code, { target: { value: typo } });
      fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
      expect(await screen.findByText("The code is the 6 digits your app shows.")).toBeTruthy();
    }
    expect(sent).toEqual([]);

    fireEvent.change(code, { target: { value: "123 456" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent).toEqual([{ password: "correct horse battery staple", code: "123456" }]));
  });

  it("asks for the password before sending anything: whoever finds the session open must not turn it on", async () => {
    const sent: Sent[] = [];
    serveEnrolment(sent);
    const { code } = await startEnrolment();

    fireEvent.change(code, { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));

    expect(await screen.findByText("Enter your password: turning two-factor authentication on needs it.")).toBeTruthy();
    expect(sent).toEqual([]);
  });

  it("says a refused password is wrong, empties it and keeps the code", async () => {
    const sent: Sent[] = [];
    serveEnrolment(sent, () =>
      HttpResponse.json({ error: { code: "invalid_credentials", message: "the password is wrong" } }, { status: 401 }),
    );
    const { password, code } = await startEnrolment();

    fireEvent.change(password, { target: { value: "not my password" } });
    fireEvent.change(code, { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));

    expect(await screen.findByText("Wrong password.")).toBeTruthy();
    expect((password as HTMLInputElement).value).toBe("");
    expect((code as HTMLInputElement).value).toBe("123456");
    expect(useAuthStore.getState().user).toEqual(user); // a wrong password does not end the session
  });
});
