/**
 * The budget charts' axes, computed here rather than by Recharts, whose ticks are split for drawing
 * (0, 0.0075, 0.015, …) and so cannot be labelled in one precision without repeats: here every tick
 * is a multiple of a round step, the labels of an axis all have the step's decimals, and the day
 * axis is a few evenly spaced days, each once.
 */

/** Ticks of a value axis from 0, the domain they span, and each tick's label. */
export interface ValueAxis {
  ticks: number[];
  domain: [number, number];
  format: (value: number) => string;
}

// At most four intervals: five labels fit the charts' 224–256 px height.
const INTERVALS = 4;
// The money a label can show: the server keeps spend to 1e-10 USD, the pages show 4 decimals.
const USD_DECIMALS = 4;

/** The decimals a round step needs (0.25 → 2, 0.0025 → 4, 5 → 0). */
export function decimalsOf(step: number): number {
  for (let decimals = 0; decimals < 10; decimals++) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return decimals;
  }
  return 10;
}

/**
 * The smallest round step (1, 2, 2.5 or 5 times a power of ten) with at most `maxDecimals`
 * decimals that covers `max` in `INTERVALS` intervals.
 */
export function niceStep(max: number, maxDecimals: number): number {
  const raw = Math.max(max / INTERVALS, 10 ** -maxDecimals);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5]) {
    const step = Number((factor * magnitude).toPrecision(12));
    if (step >= raw * (1 - 1e-9) && decimalsOf(step) <= maxDecimals) return step;
  }
  return Number((10 * magnitude).toPrecision(12));
}

function axisFrom(max: number, step: number, label: (value: number) => string): ValueAxis {
  const intervals = Math.max(1, Math.ceil(max / step - 1e-9));
  const decimals = decimalsOf(step);
  // Multiples computed afresh and rounded: 3 × 0.1 is 0.30000000000000004.
  const ticks = Array.from({ length: intervals + 1 }, (_, n) => Number((n * step).toFixed(decimals)));
  return { ticks, domain: [0, ticks[ticks.length - 1] ?? step], format: label };
}

/**
 * A dollar axis up to `max`: whole dollars for steps of a dollar or more ("$0", "$5"), else every
 * label with the same decimals, at least cents ("$0.00", "$0.25", "$0.50"; "$0.0000", "$0.0025").
 */
export function usdAxis(max: number): ValueAxis {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const step = niceStep(top, USD_DECIMALS);
  const decimals = decimalsOf(step) === 0 ? 0 : Math.max(2, decimalsOf(step));
  return axisFrom(top, step, (value) => `$${value.toFixed(decimals)}`);
}

/** A count axis (pull requests merged) up to `max`, in whole steps: no "0, 0, 1, 1" from rounded halves. */
export function countAxis(max: number): ValueAxis {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  return axisFrom(top, niceStep(top, 0), (value) => String(value));
}

// The room a day's label ("Nov 22", 11 px) takes with a gap to the next.
const DAY_LABEL_WIDTH = 56;

/** How many day labels fit a plot `width` px wide (at least the first and the last). */
export function dayLabelsThatFit(width: number): number {
  return Math.max(2, Math.floor(width / DAY_LABEL_WIDTH));
}

/**
 * At most `most` of `days` to label, evenly spaced and each once, counted back from the last (the
 * most recent day is always labelled), so the gaps between labels are all the same.
 */
export function dayTicks<T>(days: T[], most: number): T[] {
  const unique = [...new Set(days)];
  if (unique.length <= most) return unique;
  const every = Math.ceil(unique.length / most);
  return unique.filter((_, index) => (unique.length - 1 - index) % every === 0);
}

/**
 * A category's label cut to `most` characters with an ellipsis, so that every bar of a names axis
 * keeps a label within the axis' width instead of Recharts dropping the crowded ones.
 */
export function nameLabel(name: string, most: number): string {
  // By code point: a cut must not split an emoji's surrogate pair.
  const characters = Array.from(name);
  if (characters.length <= most) return name;
  const kept = characters.slice(0, Math.max(1, most - 1)).join("");
  return `${kept.trimEnd()}…`;
}
