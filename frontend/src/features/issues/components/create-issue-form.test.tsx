import type { QueryClient } from "@tanstack/react-query";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { beforeEach, describe, expect, it } from "vitest";

import { renderSignedIn, testQueryClient } from "@/testing/render";
import { API, server } from "@/testing/server";
import { issueKeys } from "../api/keys";
import type { Issue, IssueCreated } from "../types";
import { CreateIssueForm } from "./create-issue-form";

const WAITING =
  "Issue #3 is saved. Its run starts by itself once Temporal is reachable again; there is no need to file it again.";

const created = (over: Partial<IssueCreated>): IssueCreated =>
  ({
    project_id: 2,
    number: 3,
    title: "Add a greeting",
    body: "",
    phase: "queued",
    state: "open",
    run_started: true,
    notice: null,
    ...over,
  }) as IssueCreated;

let filed: number;
let queryClient: QueryClient;

beforeEach(() => {
  filed = 0;
  queryClient = testQueryClient();
});

function answer(body: IssueCreated) {
  server.use(
    http.post(`${API}/api/projects/2/issues`, () => {
      filed += 1;
      return HttpResponse.json(body, { status: 201 });
    }),
  );
}

function show() {
  renderSignedIn(
    <MemoryRouter initialEntries={["/projects/2"]}>
      <Routes>
        <Route path="/projects/:projectId" element={<CreateIssueForm projectId={2} />}>
          <Route path="issues/:issueNumber" element={<p>the issue&apos;s page</p>} />
        </Route>
      </Routes>
    </MemoryRouter>,
    queryClient,
  );
  fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Add a greeting" } });
  fireEvent.click(screen.getByRole("button", { name: "Create issue" }));
}

describe("filing an issue", () => {
  it("says the run waits for Temporal, as news rather than an error, when it could not start", async () => {
    answer(created({ run_started: false, notice: WAITING }));
    show();

    expect((await screen.findByRole("status")).textContent).toBe(WAITING);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(filed).toBe(1);
    // The issue is cached as an issue, without the answer's own fields.
    const cached = queryClient.getQueryData<Issue>(issueKeys.detail(2, 3));
    expect(cached?.phase).toBe("queued");
    expect(cached && "notice" in cached).toBe(false);
  });

  it("says nothing more when the run started", async () => {
    answer(created({ phase: "queued" }));
    show();

    await waitFor(() => expect(filed).toBe(1));
    await waitFor(() => expect(queryClient.getQueryData<Issue>(issueKeys.detail(2, 3))).toBeTruthy());
    expect(screen.queryByRole("status")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("refuses a title over the API's limit with a sentence, before sending it", async () => {
    answer(created({}));
    show();
    await waitFor(() => expect(filed).toBe(1));
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "x".repeat(301) } });
    fireEvent.click(screen.getByRole("button", { name: "Create issue" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Keep the title under 300 characters.");
    expect(filed).toBe(1);
  });

  it("drops the server's refusal once the person edits the form", async () => {
    server.use(
      http.post(`${API}/api/projects/2/issues`, () =>
        HttpResponse.json(
          { error: { code: "project_archived", message: "project 'Demo' is archived" } },
          { status: 409 },
        ),
      ),
    );
    show();
    expect((await screen.findByRole("alert")).textContent).toContain("is archived");
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Add a greeting!" } });
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  });
});
