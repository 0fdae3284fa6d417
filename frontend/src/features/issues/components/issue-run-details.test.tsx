import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { ReviewView, TestReportView } from "./issue-run-details";

describe("the test report", () => {
  it("says no tests ran when no test command was configured or detected", () => {
    render(
      <TestReportView
        report={{ command: null, passed: true, exit_code: null, output: "no test command configured or detected" }}
      />,
    );
    expect(screen.getByText("no tests run")).toBeTruthy();
    expect(screen.queryByText("passed")).toBeNull();
  });

  it("says passed or failed when a test command ran", () => {
    const { rerender } = render(
      <TestReportView report={{ command: "pytest", passed: true, exit_code: 0, output: "1 passed" }} />,
    );
    expect(screen.getByText("passed")).toBeTruthy();
    rerender(<TestReportView report={{ command: "pytest", passed: false, exit_code: 1, output: "1 failed" }} />);
    expect(screen.getByText("failed")).toBeTruthy();
  });
});

describe("the review", () => {
  it("shows the reviewer's verdict beside the review", () => {
    const { rerender } = render(<ReviewView review="Name the greeting." verdict="changes" />);
    expect(screen.getByRole("heading", { name: "Review" })).toBeTruthy();
    expect(screen.getByText("changes requested")).toBeTruthy();
    expect(screen.getByText("Name the greeting.")).toBeTruthy();
    rerender(<ReviewView review="Looks good." verdict="approve" />);
    expect(screen.getByText("approved")).toBeTruthy();
    expect(screen.queryByText("changes requested")).toBeNull();
  });

  it("shows the review alone when the server has no verdict (a run from before verdicts)", () => {
    render(<ReviewView review="Looks good." verdict={null} />);
    expect(screen.getByText("Looks good.")).toBeTruthy();
    expect(screen.queryByText("approved")).toBeNull();
    expect(screen.queryByText("changes requested")).toBeNull();
  });
});
