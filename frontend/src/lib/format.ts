// Every time and date on the pages goes through these two, so they read alike everywhere: the
// time as the reader's locale writes it ("3:13 PM" in en-US), the day as "Dec 6", the year only
// when it is not this one.
const TIME = { hour: "numeric", minute: "2-digit" } as const;
const DAY = { month: "short", day: "numeric" } as const;
const YEAR = { year: "numeric" } as const;
const timeOnly = new Intl.DateTimeFormat(undefined, TIME);
const dayOnly = new Intl.DateTimeFormat(undefined, DAY);
const dayOfYear = new Intl.DateTimeFormat(undefined, { ...DAY, ...YEAR });
const dayAndTime = new Intl.DateTimeFormat(undefined, { ...DAY, ...TIME });
const dayOfYearAndTime = new Intl.DateTimeFormat(undefined, { ...DAY, ...YEAR, ...TIME });

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

/** A server timestamp (ISO 8601) in the reader's locale and time zone: the time alone today, else the day too. */
export function formatTimestamp(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (sameDay(date, now)) return timeOnly.format(date);
  return (date.getFullYear() === now.getFullYear() ? dayAndTime : dayOfYearAndTime).format(date);
}

/** A calendar day (`YYYY-MM-DD`, e.g. a budget day) as the timestamps write their day. */
export function formatDay(day: string, now: Date = new Date()): string {
  const [year, month, date] = day.split("-").map(Number);
  if (year === undefined || month === undefined || date === undefined) return day;
  // At local midnight: the day as named, whatever the reader's time zone.
  const midnight = new Date(year, month - 1, date);
  if (Number.isNaN(midnight.getTime())) return day;
  return (year === now.getFullYear() ? dayOnly : dayOfYear).format(midnight);
}

/** The calendar day (`YYYY-MM-DD`) after `day`, e.g. when a budget day's stops end. */
export function nextDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  if (year === undefined || month === undefined || date === undefined) return day;
  const next = new Date(Date.UTC(year, month - 1, date + 1)); // UTC: no daylight saving shift
  if (Number.isNaN(next.getTime())) return day;
  return next.toISOString().slice(0, 10);
}

/** The first 10 characters of a commit sha, the usual short form. */
export function shortSha(sha: string): string {
  return sha.slice(0, 10);
}

const integer = new Intl.NumberFormat(undefined);

export function formatTokens(tokens: number): string {
  return `${integer.format(tokens)} ${tokens === 1 ? "token" : "tokens"}`;
}

/** US dollars: cents for larger sums, four significant digits for the fractions of a cent a step costs. */
export function formatCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd < 0.0001) return "<$0.0001";
  return `$${usd.toPrecision(2).replace(/0+$/, "").replace(/\.$/, "")}`;
}

/** Decimals money keeps: a budget of $0.045 is not $0.05 (the server stores 4). */
const MAX_USD_DECIMALS = 4;

/**
 * US dollars with at least `decimals` decimals and as many more (up to 4) as the amount has:
 * `$12.50`, `$0.045`, `$0.0123`.
 */
export function formatUsd(usd: number, decimals = 2): string {
  const sign = usd < 0 ? "-" : "";
  const [whole, fraction = ""] = Math.abs(usd).toFixed(Math.max(decimals, MAX_USD_DECIMALS)).split(".");
  const digits = fraction.replace(/0+$/, "").padEnd(decimals, "0");
  return `${sign}$${whole}${digits ? `.${digits}` : ""}`;
}
