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

describe("confirming two-factor enrolment", () => {
  it("sends only a code of six digits: a typo would count as a failed check on the account", async () => {
    const sent: string[] = [];
    server.use(
      http.get(`${API}/api/auth/me`, () => HttpResponse.json(user)),
      http.post(`${API}/api/auth/totp/setup`, () =>
        HttpResponse.json({ secret: "JBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/x", qr_svg: "data:," }),
      ),
      http.post(`${API}/api/auth/totp/confirm`, async ({ request }) => {
        sent.push(((await request.json()) as { code: string }).code);
        return HttpResponse.json({ recovery_codes: ["aaaa-bbbb"] });
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <TwoFactorSettings />
      </QueryClientProvider>,
    );
    fireEvent.click(await screen.findByRole("button", { name: "Enable two-factor authentication" }));
    const field = await screen.findByLabelText("Code from your app");

    for (const typo of ["abc", "12345", "1234567"]) {
      fireEvent.change(field, { target: { value: typo } });
      fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
      expect(await screen.findByText("The code is the 6 digits your app shows.")).toBeTruthy();
    }
    expect(sent).toEqual([]);

    fireEvent.change(field, { target: { value: "123 456" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent).toEqual(["123456"]));
  });
});
