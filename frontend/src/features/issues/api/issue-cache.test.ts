import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { issueKeys } from "@/lib/query-keys";
import { anIssue } from "@/testing/issues";
import type { Issue } from "../types";
import { storeSpend } from "./issue-cache";

/** Issue #1 of project 2, which has spent 4.5 cents so far. */
const issueOf = (over: Partial<Issue>) => anIssue({ spend_usd: "0.0450000000", ...over });

function cache() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData<Issue[]>(issueKeys.list(2), [issueOf({}), issueOf({ number: 2, spend_usd: "1" })]);
  queryClient.setQueryData<Issue>(issueKeys.detail(2, 1), issueOf({}));
  return queryClient;
}

const tokens = (queryClient: QueryClient) => [
  queryClient.getQueryData<Issue[]>(issueKeys.list(2))?.map((issue) => issue.tokens),
  queryClient.getQueryData<Issue>(issueKeys.detail(2, 1))?.tokens,
];

const spends = (queryClient: QueryClient) => [
  queryClient.getQueryData<Issue[]>(issueKeys.list(2))?.map((issue) => issue.spend_usd),
  queryClient.getQueryData<Issue>(issueKeys.detail(2, 1))?.spend_usd,
];

describe("the issue's spend from task_progress", () => {
  it("is set in the list and the detail, to the digit", () => {
    const queryClient = cache();
    storeSpend(queryClient, 2, 1, "0.0900000001");
    expect(spends(queryClient)).toEqual([["0.0900000001", "1"], "0.0900000001"]);
  });

  it("sets the issue's tokens with it, a total that never moves back either", () => {
    const queryClient = cache();
    storeSpend(queryClient, 2, 1, "0.0900000001", 1200);
    expect(tokens(queryClient)).toEqual([[1200, 0], 1200]);
    storeSpend(queryClient, 2, 1, "0.0900000001", 900); // an older event
    expect(tokens(queryClient)).toEqual([[1200, 0], 1200]);
  });

  it("never moves back: an older total, or the same one written differently, changes nothing", () => {
    const queryClient = cache();
    const before = queryClient.getQueryData<Issue[]>(issueKeys.list(2));
    storeSpend(queryClient, 2, 1, "0.0449999999"); // a float would call these equal to 0.045
    storeSpend(queryClient, 2, 1, "0.045");
    expect(spends(queryClient)).toEqual([["0.0450000000", "1"], "0.0450000000"]);
    expect(queryClient.getQueryData<Issue[]>(issueKeys.list(2))).toBe(before);
  });

  it("restarts a list fetch under way, so its older answer cannot show the old spend", async () => {
    const queryClient = cache();
    let server = [issueOf({})];
    const answers: (() => void)[] = [];
    const queryFn = () => {
      const snapshot = server.map((issue) => ({ ...issue }));
      return new Promise<Issue[]>((resolve) => answers.push(() => resolve(snapshot)));
    };
    void queryClient.fetchQuery({ queryKey: issueKeys.list(2), queryFn, staleTime: 0 }).catch(() => undefined);
    server = [issueOf({ spend_usd: "0.0500000000" })]; // a step is charged; its event arrives
    storeSpend(queryClient, 2, 1, "0.0500000000");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(answers).toHaveLength(2);

    for (const answer of answers) answer();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queryClient.getQueryData<Issue[]>(issueKeys.list(2))?.[0]?.spend_usd).toBe("0.0500000000");
  });
});
