import { describe, expect, it } from "vitest";

import { costPerMergedPr } from "./cost";

const issue = (spend: string, pull: "merged" | "open" | "closed" | null) => ({
  spend_usd: spend,
  pull_request: pull === null ? null : ({ state: pull } as { state: "merged" | "open" | "closed" }),
});

describe("cost per merged pull request", () => {
  it("spreads every issue's spend, failures included, over the merges", () => {
    const issues = [issue("0.03", "merged"), issue("0.015", "merged"), issue("0.045", "closed"), issue("0", null)];
    expect(costPerMergedPr(issues as never)).toBe("0.045");
  });

  it("has no figure before the first merge", () => {
    expect(costPerMergedPr([issue("1.2", "open")] as never)).toBeNull();
    expect(costPerMergedPr([])).toBeNull();
  });
});
