/** Where a value comes from, in words. */
export function sourceText(source: "settings" | "environment" | null | undefined, variable: string): string {
  if (source === "settings") return "Set on this page (overrides the environment).";
  if (source === "environment") return `From ${variable}.`;
  return `Not set (here or in ${variable}).`;
}
