import { cn } from "@/lib/cn";
import { formatUsd } from "@/lib/format";
import { CRITICAL_PERCENT, WARNING_PERCENT, type LevelSpend } from "../types";
import { wholePercent } from "../whole-percent";

export function levelLabel(level: LevelSpend): string {
  const project = level.project_name ?? (level.project_id != null ? `project ${level.project_id}` : "");
  if (level.scope === "global") return "All projects (global)";
  if (level.scope === "project") return project;
  return `${level.agent ?? "?"} · ${project}`;
}

type Tone = "ok" | "warning" | "critical";

export function toneOf(percent: number | null): Tone {
  if (percent === null) return "ok";
  if (percent >= CRITICAL_PERCENT) return "critical";
  if (percent >= WARNING_PERCENT) return "warning";
  return "ok";
}

const BAR: Record<Tone, string> = {
  ok: "bg-emerald-500",
  warning: "bg-amber-400",
  critical: "bg-red-500",
};

const TEXT: Record<Tone, string> = {
  ok: "text-muted-foreground",
  warning: "text-amber-300",
  critical: "text-red-300",
};

/** One level's spend today against its limit: amber from 80%, red from 100%. */
export function LevelBar({ level }: { level: LevelSpend }) {
  const label = levelLabel(level);
  const percent = level.percent ?? (level.limit_usd ? (level.spent_usd / level.limit_usd) * 100 : null);
  const tone = toneOf(percent);
  const width = percent === null ? 0 : Math.min(100, Math.max(0, percent));
  const spent = formatUsd(level.spent_usd, 4);
  const limit = level.limit_usd === null ? null : formatUsd(level.limit_usd, 2);
  const valueText =
    limit === null
      ? `${spent} spent, no limit of its own`
      : `${spent} of ${limit} (${percent === null ? "?" : wholePercent(percent)}%)${tone === "ok" ? "" : `, ${tone}`}`;

  return (
    <li className={cn("grid gap-1", level.scope === "agent" && "pl-8", level.scope === "project" && "pl-4")}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
        <span className={cn("truncate", level.scope === "global" && "font-semibold")}>{label}</span>
        <span className={cn("font-mono text-xs tabular-nums", TEXT[tone])}>
          {valueText}
          {level.reserved_usd > 0 && (
            <span className="text-muted-foreground"> · {formatUsd(level.reserved_usd, 4)} reserved</span>
          )}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${label}: spent today`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : wholePercent(percent)}
        aria-valuetext={valueText}
        data-tone={tone}
        className="h-2 w-full overflow-hidden rounded-full bg-secondary"
      >
        <div className={cn("h-full rounded-full transition-[width]", BAR[tone])} style={{ width: `${width}%` }} />
      </div>
    </li>
  );
}

/** Today's spend and limit of each level (global, then projects, then their agents). */
export function LevelBars({ levels }: { levels: LevelSpend[] }) {
  // The server sorts global, projects, agents; show each project's agents under it.
  const ordered = [
    ...levels.filter((level) => level.scope === "global"),
    ...levels
      .filter((level) => level.scope === "project")
      .flatMap((project) => [
        project,
        ...levels.filter((level) => level.scope === "agent" && level.project_id === project.project_id),
      ]),
    // Agents whose project has no level of its own today.
    ...levels.filter(
      (level) =>
        level.scope === "agent" &&
        !levels.some((other) => other.scope === "project" && other.project_id === level.project_id),
    ),
  ];
  const [global, ...below] = ordered;
  return (
    <ul aria-label="Spend today by level" className="grid gap-3">
      {global && <LevelBar level={global} />}
      {global?.scope === "global" && <OutsideProjects global={global} levels={levels} />}
      {below.map((level) => (
        <LevelBar key={`${level.scope}/${level.project_id ?? ""}/${level.agent ?? ""}`} level={level} />
      ))}
    </ul>
  );
}

// Below half of the last digit shown, a difference is the floats' rounding, not spend.
const SHOWN_PRECISION_USD = 0.00005;

/** What the global level was charged beyond its projects: the orchestrator's answers,
 * which belong to no project, so the rows below add up to the global one. */
function OutsideProjects({ global, levels }: { global: LevelSpend; levels: LevelSpend[] }) {
  const projects = levels.filter((level) => level.scope === "project");
  const spent = global.spent_usd - projects.reduce((sum, level) => sum + level.spent_usd, 0);
  const reserved = global.reserved_usd - projects.reduce((sum, level) => sum + level.reserved_usd, 0);
  if (spent < SHOWN_PRECISION_USD && reserved < SHOWN_PRECISION_USD) return null;
  return (
    <li className="flex flex-wrap items-baseline justify-between gap-x-3 pl-4 text-sm">
      <span className="truncate">Outside projects (the orchestrator)</span>
      <span className="font-mono text-xs tabular-nums text-muted-foreground">
        {formatUsd(Math.max(0, spent), 4)} spent, within the global limit only
        {reserved >= SHOWN_PRECISION_USD && <span> · {formatUsd(reserved, 4)} reserved</span>}
      </span>
    </li>
  );
}
