import { QueryClient } from "@tanstack/react-query";
import { screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { issueKeys } from "@/lib/query-keys";
import { anIssue } from "@/testing/issues";
import { renderSignedIn } from "@/testing/render";
import { IssueDetail } from "./issue-detail";
import { IssuesTable } from "./issues-table";

// A title with no space to break at: it must wrap inside its card, not widen the page.
const title = "x".repeat(300);

const issue = anIssue({ title });

function cached() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(issueKeys.detail(2, 1), issue);
  client.setQueryData(issueKeys.list(2), [issue]);
  return client;
}

describe("a long issue title without spaces", () => {
  it("may break anywhere in the issue's card", () => {
    renderSignedIn(
      <MemoryRouter>
        <IssueDetail projectId={2} number={1} pullRequest={() => null} />
      </MemoryRouter>,
      cached(),
    );
    expect(screen.getByText(title).className).toContain("[overflow-wrap:anywhere]");
  });

  it("may break anywhere in the issue list's row", () => {
    renderSignedIn(
      <MemoryRouter>
        <IssuesTable projectId={2} />
      </MemoryRouter>,
      cached(),
    );
    expect(screen.getByRole("link", { name: title }).className).toContain("[overflow-wrap:anywhere]");
  });
});
