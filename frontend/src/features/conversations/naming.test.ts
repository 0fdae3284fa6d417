import { describe, expect, it } from "vitest";

import { conversationName, issueRunStepOf, stepName } from "./naming";

const named = (run_id: string | null, title = "the stored title") => conversationName({ run_id, title });

describe("a conversation's name", () => {
  it("says the issue and the step of an agent's run, whatever the issue's number", () => {
    expect(named("issue/demo/12/architect/plan-1", "Plan #12")).toBe("architect · #12 Plan");
    expect(named("issue/demo/7/architect/plan-1", "Plan #7")).toBe("architect · #7 Plan");
    expect(named("issue/demo/12/coder_1/rework-1", "rework-1")).toBe("coder_1 · #12 Rework 1");
  });

  it("names every step the issue's run takes as a person says it", () => {
    expect(stepName("plan-2")).toBe("Plan 2");
    expect(stepName("task-2")).toBe("Task 2");
    expect(stepName("test-1")).toBe("Test 1");
    expect(stepName("fix-1")).toBe("Fix 1");
    expect(stepName("review-3")).toBe("Review 3");
    expect(stepName("changes-1")).toBe("Changes 1");
    expect(stepName("ci-2")).toBe("CI fix 2");
    expect(stepName("base-1")).toBe("Base merge 1");
    expect(stepName("task-2-conflict-1")).toBe("Task 2, conflicts 1");
    expect(stepName("review-1-retry-1")).toBe("Review 1, attempt 2");
    expect(stepName("fix-1-conflict-2-retry-2")).toBe("Fix 1, conflicts 2, attempt 3");
    expect(stepName("something")).toBe("something");
    expect(stepName("later-1")).toBe("later-1");
  });

  it("is the title of a conversation outside an issue's agents' runs", () => {
    expect(named("issue/demo/12", "#12 Add a greeting")).toBe("#12 Add a greeting");
    expect(named("run/demo/coder_1/abcd1234", "Tidy the README")).toBe("Tidy the README");
    expect(named(null, "coder_1's inbox")).toBe("coder_1's inbox");
  });

  it("reads the issue's run back from an agent's run id", () => {
    expect(issueRunStepOf("issue/demo/12/coder_1/task-2-retry-1")).toEqual({
      issueRun: "issue/demo/12",
      issueNumber: 12,
      agent: "coder_1",
      label: "task-2-retry-1",
    });
    expect(issueRunStepOf("issue/demo/12")).toBeNull();
    expect(issueRunStepOf(null)).toBeNull();
  });
});
