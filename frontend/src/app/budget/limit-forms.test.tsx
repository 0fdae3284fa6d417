import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import type { Project } from "@/features/projects/types";
import { GlobalLimitForm, ProjectShares } from "./limit-forms";

let sent: unknown[];

beforeEach(() => {
  sent = [];
  server.use(
    http.get(`${API}/api/budget/limits`, () => HttpResponse.json([])),
    http.get(`${API}/api/budget/summary`, () => HttpResponse.json({})),
  );
});

function show() {
  renderSignedIn(<GlobalLimitForm limit={undefined} effectiveUsd={10} />);
  return screen.getByRole("textbox", { name: "Daily limit (USD)" });
}

function submit(input: HTMLElement, value: string) {
  fireEvent.change(input, { target: { value } });
  fireEvent.click(screen.getByRole("button", { name: "Save limit" }));
}

describe("the daily limit form", () => {
  it("says what is wrong next to the field, in a sentence, without asking the server", async () => {
    server.use(
      http.post(`${API}/api/budget/limits`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json({}, { status: 201 });
      }),
    );
    const input = show();
    submit(input, "$5");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Enter the limit as a plain number of dollars, for example 5 or 12.50 (no $ sign, no commas).",
    );
    expect(input.getAttribute("aria-invalid")).toBe("true");
    submit(input, "");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Enter a daily limit in dollars, for example 5 or 12.50.",
    );
    expect(sent).toEqual([]);
  });

  it("sends the amount with all its digits", async () => {
    server.use(
      http.post(`${API}/api/budget/limits`, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json({ id: 1, scope: "global", daily_usd: 0.045 }, { status: 201 });
      }),
    );
    submit(show(), "0.045");
    await waitFor(() => expect(sent).toEqual([{ scope: "global", daily_usd: "0.045" }]));
    expect(await screen.findByText("Saved.")).toBeTruthy();
  });

  it("never shows the server's field path", async () => {
    server.use(
      http.post(`${API}/api/budget/limits`, () =>
        HttpResponse.json(
          {
            error: {
              code: "invalid_input",
              message: "global.daily_usd: Input should be a valid decimal",
              details: [{ loc: ["body", "global", "daily_usd"], msg: "Input should be a valid decimal" }],
            },
          },
          { status: 422 },
        ),
      ),
    );
    submit(show(), "7");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("The server did not accept this value. Check the number and try again.");
    expect(document.body.textContent).not.toContain("daily_usd");
  });

  it("shows the server's own refusal as it says it", async () => {
    server.use(
      http.post(`${API}/api/budget/limits`, () =>
        HttpResponse.json(
          {
            error: { code: "invalid_input", message: "The projects' shares would add up to 120% of the global limit." },
          },
          { status: 422 },
        ),
      ),
    );
    submit(show(), "7");
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The projects' shares would add up to 120% of the global limit.",
    );
  });
});

describe("a project's share", () => {
  it("drops the server's refusal of the last value once the field changes", async () => {
    server.use(
      http.post(`${API}/api/budget/limits`, () =>
        HttpResponse.json(
          { error: { code: "invalid_input", message: "the project shares of the global limit would total 110%" } },
          { status: 422 },
        ),
      ),
    );
    renderSignedIn(<ProjectShares projects={[{ id: 1, name: "Demo" } as Project]} limits={[]} />);
    const input = screen.getByRole("textbox", { name: "Share of Demo (%)" });
    const save = screen.getByRole("button", { name: "Save share of Demo" });

    fireEvent.change(input, { target: { value: "60" } });
    fireEvent.click(save);
    expect((await screen.findByRole("alert")).textContent).toContain("would total 110%");

    fireEvent.change(input, { target: { value: "" } });
    fireEvent.click(save);
    await waitFor(() =>
      expect(screen.getAllByRole("alert").map((alert) => alert.textContent)).toEqual([
        "Enter a share between 0 and 100 (%).",
      ]),
    );
  });
});
