const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A server timestamp (ISO 8601) in the reader's locale. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** The first 10 characters of a commit sha, the usual short form. */
export function shortSha(sha: string): string {
  return sha.slice(0, 10);
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** A message time: the time alone today, else the date too. */
export function formatMessageTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === new Date().toDateString() ? timeOnly.format(date) : dateTime.format(date);
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
