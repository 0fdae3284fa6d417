import { formatUsd } from "@/lib/format";

/**
 * Exact USD arithmetic on the API's decimal strings ("0.0450000000"): sums of many small
 * amounts in floats drift ($0.045 + … prints as 0.045000000000000005), so money is added
 * and divided as integers of 1e-10 USD, the server's resolution.
 */
const SCALE = 10;
const UNIT = 10n ** BigInt(SCALE);

/** A decimal string as an integer count of 1e-10 USD (digits past the 10th are dropped). */
export function toUnits(usd: string): bigint {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(usd.trim());
  if (!match) throw new Error(`not a decimal amount: ${usd}`);
  const [, sign, whole = "", fraction = ""] = match;
  const units = BigInt(whole || "0") * UNIT + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, "0"));
  return sign ? -units : units;
}

/** Units back to a decimal string, without trailing zeros ("0.045", "12", "-0.5"). */
export function fromUnits(units: bigint): string {
  const sign = units < 0n ? "-" : "";
  const abs = units < 0n ? -units : units;
  const whole = abs / UNIT;
  const fraction = (abs % UNIT).toString().padStart(SCALE, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction}` : ""}`;
}

export function sumUsd(amounts: string[]): string {
  return fromUnits(amounts.reduce((total, amount) => total + toUnits(amount), 0n));
}

/** `total / count`, rounded half up at 1e-10 USD; null when there is nothing to divide by. */
export function divideUsd(total: string, count: number): string | null {
  if (count <= 0) return null;
  const units = toUnits(total);
  const n = BigInt(count);
  return fromUnits((units * 2n + n) / (2n * n));
}

/** A decimal amount for people: `$12.50`, `$0.045`, and `<$0.0001` for the dust of a single step. */
export function formatUsdAmount(usd: string): string {
  const value = Number(usd);
  if (value > 0 && value < 0.0001) return "<$0.0001";
  return formatUsd(value);
}
