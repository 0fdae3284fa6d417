import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { useAuthStore } from "@/stores/auth";
import { API, server } from "@/testing/server";
import type { Issue } from "../types";
import { IssueRunControls } from "./issue-run-controls";

const issue = {
  project_id: 2,
  number: 4,
  title: "Add a greeting",
  phase: "coding",
} as Issue;

beforeEach(() => {
  useAuthStore.getState().setSession({
    access_token: "t",
    token_type: "bearer",
    expires_in: 900,
    user: { id: 1, email: "ada@example.com", totp_enabled: false },
  });
});

describe("cancelling an issue", () => {
  it("asks first and cancels only when the person confirms", async () => {
    let cancels = 0;
    server.use(
      http.post(`${API}/api/projects/2/issues/4/cancel`, () => {
        cancels += 1;
        return HttpResponse.json({ ...issue, phase: "coding" }, { status: 202 });
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <IssueRunControls issue={issue} />
      </QueryClientProvider>,
    );

    fireEvent.click(screen.getByRole("button", { name: "Cancel issue" }));
    const question = screen.getByRole("group", { name: /Cancel issue #4\?/ });
    expect(question).toBeTruthy();
    // Focus is on "keep": a stray Enter does not cancel.
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Keep it running" }));
    fireEvent.click(screen.getByRole("button", { name: "Keep it running" }));
    expect(screen.queryByRole("group")).toBeNull();
    expect(cancels).toBe(0);

    fireEvent.click(screen.getByRole("button", { name: "Cancel issue" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, cancel the issue" }));
    await waitFor(() => expect(cancels).toBe(1));
    expect(await screen.findByText(/Cancel sent/)).toBeTruthy();
  });
});

describe("resuming an issue", () => {
  it("says that the emergency pause still holds it when the pause is on", async () => {
    const paused = { ...issue, phase: "paused" } as Issue;
    server.use(http.post(`${API}/api/projects/2/issues/4/resume`, () => HttpResponse.json(paused, { status: 202 })));
    render(
      <QueryClientProvider client={new QueryClient()}>
        <IssueRunControls issue={paused} emergencyPause />
      </QueryClientProvider>,
    );
    fireEvent.click(screen.getByRole("button", { name: "Resume" }));
    expect(
      await screen.findByText(/the emergency pause is still on: no agent works until you resume all/),
    ).toBeTruthy();
  });
});
