/**
 * A share of a limit in whole percent, as the server's budget notifications say it: rounded
 * down, so that 93.7% of the limit reads 93% everywhere (banner, bars, notification) and 100%
 * is said only when the limit is reached, never a moment before the hard stop.
 */
export function wholePercent(percent: number): number {
  return Math.floor(percent);
}
