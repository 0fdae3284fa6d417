import { cn } from "@/lib/cn";

type LineKind = "file" | "hunk" | "added" | "removed" | "context";

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * Classify each line of a unified diff. Hunk headers give line counts, so a removed
 * line that itself starts with "--" is not mistaken for a `--- a/file` header.
 */
function classify(lines: string[]): LineKind[] {
  let oldLeft = 0;
  let newLeft = 0;
  return lines.map((line) => {
    if (line.startsWith("diff --git ")) {
      // A new file always starts afresh, even if a hunk's counts were off.
      oldLeft = 0;
      newLeft = 0;
      return "file";
    }
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith("+")) {
        newLeft -= 1;
        return "added";
      }
      if (line.startsWith("-")) {
        oldLeft -= 1;
        return "removed";
      }
      if (!line.startsWith("\\")) {
        oldLeft -= 1;
        newLeft -= 1;
      }
      return "context";
    }
    const hunk = HUNK_HEADER.exec(line);
    if (hunk) {
      oldLeft = Number(hunk[1] ?? 1);
      newLeft = Number(hunk[2] ?? 1);
      return "hunk";
    }
    return line.startsWith("\\") ? "context" : "file";
  });
}

const LINE_CLASSES: Record<LineKind, string> = {
  file: "font-semibold text-foreground bg-muted/40",
  hunk: "text-sky-300 bg-sky-500/10",
  added: "text-emerald-300 bg-emerald-500/10",
  removed: "text-red-300 bg-red-500/10",
  context: "text-muted-foreground",
};

/** A unified diff as monospace lines, additions green and removals red (the +/- stays in the text). */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.replace(/\n$/, "").split("\n");
  const kinds = classify(lines);
  return (
    <div
      role="region"
      aria-label="Pull request diff"
      tabIndex={0}
      className="max-h-[32rem] overflow-auto rounded-md border bg-[hsl(225_7%_10%)] focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      {diff.trim() === "" ? (
        <p className="p-4 text-sm text-muted-foreground">The diff is empty.</p>
      ) : (
        <pre className="min-w-max py-2 font-mono text-xs leading-5">
          {lines.map((line, index) => (
            <div key={index} className={cn("px-4", LINE_CLASSES[kinds[index] ?? "context"])}>
              {line || " "}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}
