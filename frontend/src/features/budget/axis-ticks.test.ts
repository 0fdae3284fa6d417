import { describe, expect, it } from "vitest";

import { countAxis, dayLabelsThatFit, dayTicks, decimalsOf, nameLabel, usdAxis, type ValueAxis } from "./axis-ticks";

const labels = (axis: ValueAxis) => axis.ticks.map(axis.format);
const decimals = (label: string) => label.split(".")[1]?.length ?? 0;

describe("the budget charts' dollar axis", () => {
  // Spends a month of agents' work gives: fractions of a cent, cents, dollars.
  const maxima = [0.00004, 0.0009, 0.0095, 0.02, 0.03, 0.06, 0.3, 0.6, 1, 2.4, 7, 37.5, 1234];

  it.each(maxima.map((max) => [max]))("labels each tick once, all with the same precision (max $%s)", (max) => {
    const axis = usdAxis(max);
    const shown = labels(axis);
    expect(new Set(shown).size).toBe(shown.length);
    expect(new Set(shown.map(decimals)).size).toBe(1);
    // Each label says its tick's value, and the ticks reach the highest bar.
    expect(shown.map((label) => Number(label.slice(1)))).toEqual(axis.ticks);
    expect(axis.domain).toEqual([0, axis.ticks.at(-1)]);
    expect(axis.ticks.at(-1)).toBeGreaterThanOrEqual(max);
    expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
    expect(axis.ticks.length).toBeLessThanOrEqual(5);
  });

  it("steps in round amounts, cents at least below a dollar, four decimals at most", () => {
    expect(labels(usdAxis(0.02))).toEqual(["$0.000", "$0.005", "$0.010", "$0.015", "$0.020"]);
    expect(labels(usdAxis(0.6))).toEqual(["$0.00", "$0.20", "$0.40", "$0.60"]);
    expect(labels(usdAxis(0.9))).toEqual(["$0.00", "$0.25", "$0.50", "$0.75", "$1.00"]);
    expect(labels(usdAxis(0.0095))).toEqual(["$0.0000", "$0.0025", "$0.0050", "$0.0075", "$0.0100"]);
    expect(labels(usdAxis(0.00004))).toEqual(["$0.0000", "$0.0001"]);
    expect(labels(usdAxis(7))).toEqual(["$0", "$2", "$4", "$6", "$8"]);
    expect(labels(usdAxis(9))).toEqual(["$0.00", "$2.50", "$5.00", "$7.50", "$10.00"]);
  });

  it("still draws an axis when nothing was spent (only merges)", () => {
    expect(labels(usdAxis(0))).toEqual(["$0.00", "$0.25", "$0.50", "$0.75", "$1.00"]);
    expect(labels(usdAxis(Number.NaN))).toEqual(labels(usdAxis(0)));
  });
});

describe("the merged pull requests' axis", () => {
  it("counts in whole steps, each once", () => {
    expect(labels(countAxis(0))).toEqual(["0", "1"]);
    expect(labels(countAxis(1))).toEqual(["0", "1"]);
    expect(labels(countAxis(2))).toEqual(["0", "1", "2"]);
    expect(labels(countAxis(7))).toEqual(["0", "2", "4", "6", "8"]);
    expect(labels(countAxis(9))).toEqual(["0", "5", "10"]);
  });
});

describe("the day axis", () => {
  const month = Array.from({ length: 30 }, (_, n) => `Day ${n + 1}`);

  it("labels a few evenly spaced days, the last one always", () => {
    expect(dayTicks(month, 5)).toEqual(["Day 6", "Day 12", "Day 18", "Day 24", "Day 30"]);
    expect(dayTicks(month.slice(0, 4), 5)).toEqual(["Day 1", "Day 2", "Day 3", "Day 4"]);
    for (const length of [7, 8, 13, 31, 90, 366]) {
      const days = Array.from({ length }, (_, n) => n);
      const ticks = dayTicks(days, 5);
      expect(ticks.length).toBeLessThanOrEqual(5);
      expect(ticks.at(-1)).toBe(length - 1);
      const gaps = ticks.slice(1).map((day, n) => day - ticks[n]!);
      expect(new Set(gaps).size).toBeLessThanOrEqual(1);
    }
  });

  it("labels as many days as the chart's width holds, two at least", () => {
    expect([0, 200, 236, 620, 1100].map(dayLabelsThatFit)).toEqual([2, 3, 4, 11, 19]);
  });

  it("never names a day twice", () => {
    const shown = dayTicks(["Dec 6", "Dec 7", "Dec 7", "Dec 8"], 5);
    expect(shown).toEqual(["Dec 6", "Dec 7", "Dec 8"]);
  });
});

it("counts a round step's decimals, past a float's noise", () => {
  expect([5, 0.5, 0.25, 0.0025, 0.1 + 0.2].map(decimalsOf)).toEqual([0, 1, 2, 4, 1]);
});

describe("a names axis' label", () => {
  it("keeps a name that fits as it is", () => {
    expect(nameLabel("coder", 18)).toBe("coder");
    expect(nameLabel("a".repeat(18), 18)).toBe("a".repeat(18));
  });

  it("cuts a longer name to the same length, the last character an ellipsis", () => {
    const label = nameLabel("integration-reviewer (mission-control-center)", 18);
    expect(label).toBe("integration-revie…");
    expect(Array.from(label)).toHaveLength(18);
  });

  it("leaves no space before the ellipsis and splits no emoji", () => {
    expect(nameLabel("reviewer (mission-control)", 10)).toBe("reviewer…");
    expect(nameLabel("🤖🤖🤖🤖", 3)).toBe("🤖🤖…");
  });
});
