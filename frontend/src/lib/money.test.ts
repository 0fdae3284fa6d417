import { describe, expect, it } from "vitest";

import { divideUsd, formatUsdAmount, fromUnits, sumUsd, toUnits } from "./money";

describe("exact money", () => {
  it("reads and writes the server's decimal strings", () => {
    expect(toUnits("0.0450000000")).toBe(450_000_000n);
    expect(fromUnits(toUnits("0.0450000000"))).toBe("0.045");
    expect(fromUnits(toUnits("12"))).toBe("12");
    expect(fromUnits(toUnits("-0.5"))).toBe("-0.5");
    expect(() => toUnits("1e-3")).toThrow();
  });

  it("adds without float drift", () => {
    expect(sumUsd(["0.04", "0.005"])).toBe("0.045");
    expect(sumUsd(Array(10).fill("0.1"))).toBe("1");
    expect(sumUsd([])).toBe("0");
  });

  it("divides a total over merged pull requests, none meaning no figure", () => {
    expect(divideUsd("0.09", 2)).toBe("0.045");
    expect(divideUsd("1", 3)).toBe("0.3333333333");
    expect(divideUsd("2", 3)).toBe("0.6666666667");
    expect(divideUsd("5", 0)).toBeNull();
  });

  it("shows $0.045 as $0.045 and dust as dust", () => {
    expect(formatUsdAmount("0.0450000000")).toBe("$0.045");
    expect(formatUsdAmount("12.5")).toBe("$12.50");
    expect(formatUsdAmount("0")).toBe("$0.00");
    expect(formatUsdAmount("0.00001")).toBe("<$0.0001");
  });
});
