import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { QueryState } from "./query-state";

function Issue({ fetchIssue }: { fetchIssue: () => Promise<string> }) {
  const query = useQuery({ queryKey: ["issue"], queryFn: fetchIssue });
  return (
    <QueryState query={query} loading="Loading issue…">
      {(title) => <h2>{title}</h2>}
    </QueryState>
  );
}

const unreachable = () => Promise.reject(new Error("Cannot reach the MCC server. Is it running?"));

function show(client: QueryClient, fetchIssue: () => Promise<string>) {
  render(
    <QueryClientProvider client={client}>
      <Issue fetchIssue={fetchIssue} />
    </QueryClientProvider>,
  );
}

describe("a query's states", () => {
  it("keeps the data it has when a refetch fails, with a note that it could not refresh", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(["issue"], "Add a greeting");
    show(client, unreachable);

    await client.invalidateQueries({ queryKey: ["issue"] });
    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("Could not refresh"));
    expect(screen.getByRole("heading", { name: "Add a greeting" })).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the error when there is no data to keep", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    show(client, unreachable);

    expect((await screen.findByRole("alert")).textContent).toBe("Cannot reach the MCC server. Is it running?");
    expect(screen.queryByRole("heading")).toBeNull();
  });
});
