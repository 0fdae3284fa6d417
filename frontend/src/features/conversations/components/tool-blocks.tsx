import type { ReactNode } from "react";
import { ChevronRight } from "lucide-react";

import { cn } from "@/lib/cn";
import type { ToolCallPayload } from "@/lib/socket";

const PREVIEW_LENGTH = 140;

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function parseArguments(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `path: "src/app.py", line: 3`: the arguments on one line, for the collapsed block. */
export function argumentsPreview(json: string): string {
  const parsed = parseArguments(json);
  const text = isRecord(parsed)
    ? Object.entries(parsed)
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
        .join(", ")
    : json.trim();
  return truncate(text.replace(/\s+/g, " "), PREVIEW_LENGTH);
}

/** A collapsible block (closed by default): a one-line summary, the full text inside. */
export function Collapsible({
  summary,
  children,
  className,
  summaryClassName,
}: {
  summary: ReactNode;
  children: ReactNode;
  className?: string;
  summaryClassName?: string;
}) {
  return (
    <details className={cn("group/block rounded-md border bg-background/50 text-xs", className)}>
      <summary
        className={cn(
          "flex cursor-pointer list-none items-center gap-1.5 rounded-md px-2 py-1 hover:bg-muted/50 [&::-webkit-details-marker]:hidden",
          "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
          summaryClassName,
        )}
      >
        <ChevronRight
          className="h-3.5 w-3.5 shrink-0 text-muted-foreground transition-transform group-open/block:rotate-90"
          aria-hidden="true"
        />
        {summary}
      </summary>
      <div className="border-t">{children}</div>
    </details>
  );
}

const preClasses = "max-h-96 overflow-auto whitespace-pre-wrap break-words px-3 py-2 font-mono text-xs leading-relaxed";

/** An assistant's tool call: `🔧 name(args)`, the arguments in full when opened. */
export function ToolCallBlock({ call }: { call: ToolCallPayload }) {
  const parsed = parseArguments(call.arguments);
  return (
    <Collapsible
      summaryClassName="font-mono"
      summary={
        <span className="min-w-0 truncate">
          <span aria-hidden="true">🔧 </span>
          <span className="sr-only">Tool call </span>
          <span className="font-semibold text-amber-200">{call.name}</span>
          <span className="text-muted-foreground">({argumentsPreview(call.arguments)})</span>
        </span>
      }
    >
      {isRecord(parsed) ? (
        <dl className="grid gap-1 px-3 py-2">
          {Object.entries(parsed).map(([key, value]) => (
            <div key={key} className="grid gap-0.5">
              <dt className="font-mono text-[11px] font-semibold text-muted-foreground">{key}</dt>
              <dd className={cn(preClasses, "rounded bg-muted/40 px-2 py-1")}>
                {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <pre className={preClasses}>{call.arguments}</pre>
      )}
    </Collapsible>
  );
}

/** A tool's answer: monospace, the first line as summary. */
export function ToolResultBlock({ name, content }: { name: string; content: string }) {
  const lines = content.split("\n");
  const first = lines.find((line) => line.trim()) ?? "";
  return (
    <Collapsible
      summaryClassName="font-mono"
      summary={
        <span className="min-w-0 truncate">
          <span className="sr-only">Result of {name}: </span>
          <span className="text-muted-foreground">
            {content.trim() ? truncate(first.trim(), PREVIEW_LENGTH) : "(no output)"}
          </span>
          {lines.length > 1 && <span className="ml-2 text-muted-foreground/70">{lines.length} lines</span>}
        </span>
      }
    >
      <pre className={preClasses}>{content || "(no output)"}</pre>
    </Collapsible>
  );
}

/** The system prompt: long and the same for every run, so it starts closed. */
export function SystemPromptBlock({ content }: { content: string }) {
  return (
    <Collapsible
      summary={
        <span className="text-muted-foreground">
          System prompt <span className="text-muted-foreground/70">({content.split("\n").length} lines)</span>
        </span>
      }
    >
      <pre className={cn(preClasses, "font-sans")}>{content}</pre>
    </Collapsible>
  );
}
