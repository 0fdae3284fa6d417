import { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, within } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { issueKeys } from "@/lib/query-keys";
import { anIssue } from "@/testing/issues";
import { renderSignedIn } from "@/testing/render";
import { IssuesTable } from "./issues-table";

const issue = (number: number, title: string, phase: string, state: "open" | "closed") =>
  anIssue({ number, title, phase, state });

const issues = [
  issue(1, "Add a login page", "done", "closed"),
  issue(2, "Fix the login redirect", "awaiting_approval", "open"),
  issue(3, "Speed up the build", "coding", "open"),
  issue(4, "Cache the avatars", "failed", "closed"),
  issue(5, "Retry the flaky upload", "failed", "open"),
];

function Search() {
  return <output aria-label="query string">{useLocation().search}</output>;
}

function renderTable() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(issueKeys.list(2), issues);
  renderSignedIn(
    <MemoryRouter>
      <IssuesTable projectId={2} />
      <Search />
    </MemoryRouter>,
    client,
  );
}

const chip = (name: string) => screen.getByRole("button", { name });
/** The chips pressed, in the bar's order. */
const pressed = () =>
  screen
    .getAllByRole("button")
    .filter((button) => button.getAttribute("aria-pressed") === "true")
    .map((button) => button.textContent);
/** The filter in the URL. */
const query = () =>
  Object.fromEntries(new URLSearchParams(screen.getByRole("status", { name: "query string" }).textContent ?? ""));
/** The issues listed, by number. */
const listed = () =>
  screen
    .getAllByRole("row")
    .slice(1)
    .map((row) => Number(within(row).getAllByRole("cell")[0]!.textContent));

describe("the issue list's filter chips", () => {
  it("never show All pressed beside another chip, and combine the rows with AND", () => {
    renderTable();
    expect(pressed()).toEqual(["All"]);
    expect(listed()).toEqual([5, 4, 3, 2, 1]);

    fireEvent.click(chip("Failed"));
    expect(pressed()).toEqual(["Failed"]);
    expect(listed()).toEqual([5, 4]);

    // Phase groups add up; open or closed narrows them.
    fireEvent.click(chip("Awaiting you"));
    expect(pressed()).toEqual(["Awaiting you", "Failed"]);
    expect(listed()).toEqual([5, 4, 2]);
    fireEvent.click(chip("Open"));
    expect(pressed()).toEqual(["Open", "Awaiting you", "Failed"]);
    expect(listed()).toEqual([5, 2]);
    expect(query()).toEqual({ state: "open", group: "awaiting,failed" });

    // All releases every other chip (the search is its own box and stays).
    fireEvent.change(screen.getByLabelText("Search issues by title or number"), { target: { value: "login" } });
    fireEvent.click(chip("All"));
    expect(pressed()).toEqual(["All"]);
    expect(listed()).toEqual([2, 1]);
    expect(query()).toEqual({ q: "login" });
  });

  it("press All again when the last chip is released", () => {
    renderTable();
    fireEvent.click(chip("Closed"));
    expect(pressed()).toEqual(["Closed"]);
    fireEvent.click(chip("Closed"));
    expect(pressed()).toEqual(["All"]);
    expect(listed()).toHaveLength(5);
  });
});
