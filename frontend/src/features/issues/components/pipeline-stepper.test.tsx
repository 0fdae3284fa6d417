import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { Issue } from "../types";
import { PipelineStepper } from "./pipeline-stepper";

const stoppedWhilePlanning = (phase: string) =>
  ({ project_id: 2, number: 1, phase, pull_request: null, spec: null, test_report: null, review: null }) as Issue;

describe("the pipeline's current step", () => {
  it.each([
    ["budget_blocked", "Plan· Stopped by the budget"],
    ["paused", "Plan· Paused"],
  ])("says in words why the run stopped there (%s)", (phase, words) => {
    render(<PipelineStepper issue={stoppedWhilePlanning(phase)} />);
    const pipeline = screen.getByRole("list", { name: "Pipeline" });
    const current = within(pipeline)
      .getAllByRole("listitem")
      .find((item) => item.getAttribute("aria-current") === "step");
    expect(current?.textContent).toContain(words);
    expect(pipeline.textContent).not.toContain(phase);
  });
});
