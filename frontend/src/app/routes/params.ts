/** A positive integer route parameter, or null when the URL holds anything else. */
export function positiveInt(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const number = Number(value);
  return number > 0 && Number.isSafeInteger(number) ? number : null;
}
