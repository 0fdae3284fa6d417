import { describe, expect, it } from "vitest";

import { formatCost, formatUsd } from "./format";

describe("money", () => {
  it("keeps the digits a small amount has", () => {
    expect(formatUsd(0.045)).toBe("$0.045");
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatCost(0.045)).toBe("$0.045");
  });

  it("shows whole sums with cents and nothing more", () => {
    expect(formatUsd(12.5)).toBe("$12.50");
    expect(formatUsd(5)).toBe("$5.00");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(-1.25)).toBe("-$1.25");
    expect(formatUsd(3, 0)).toBe("$3");
  });
});
