import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { TestReportView } from "./issue-run-details";

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
