import { describe, expect, it } from "vitest";

import { formatCost, formatDay, formatTimestamp, formatUsd, nextDay } from "./format";

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

// Local times (the reader's zone), so the expectations hold in any time zone; the locale is en-US.
const at = (year: number, month: number, day: number, hour: number, minute: number) =>
  new Date(year, month - 1, day, hour, minute).toISOString();
const now = new Date(2026, 11, 6, 18, 0);

describe("times and dates", () => {
  it("write the time one way: the hour as the locale writes it, never padded to two digits", () => {
    expect(formatTimestamp(at(2026, 12, 6, 15, 24), now)).toBe("3:24 PM");
    expect(formatTimestamp(at(2026, 12, 6, 9, 5), now)).toBe("9:05 AM");
  });

  it("add the day to a time of another day, and the year only when it is not this one", () => {
    expect(formatTimestamp(at(2026, 3, 2, 15, 24), now)).toBe("Mar 2, 3:24 PM");
    expect(formatTimestamp(at(2025, 12, 31, 23, 59), now)).toBe("Dec 31, 2025, 11:59 PM");
  });

  it("write a calendar day as the timestamps write theirs, in any time zone", () => {
    expect(formatDay("2026-03-02", now)).toBe("Mar 2");
    expect(formatDay("2025-12-31", now)).toBe("Dec 31, 2025");
  });

  it("show what they cannot read as it came", () => {
    expect(formatTimestamp("soon", now)).toBe("soon");
    expect(formatDay("someday", now)).toBe("someday");
  });
});

describe("the next day", () => {
  it("is the calendar day after, across a month's and a year's end", () => {
    expect(nextDay("2026-12-06")).toBe("2026-12-07");
    expect(nextDay("2026-02-28")).toBe("2026-03-01");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });
});
