"""The numbers of an evaluation: per task and mode, per mode, and company vs baseline."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MODES = ("company", "baseline")


@dataclass(frozen=True)
class Outcome:
    """One task in one mode."""

    task: str
    mode: str
    resolved: bool
    timed_out: bool
    finished_as: str  # the pipeline's last phase, or the run's outcome
    usd: float
    tokens_in: int
    tokens_out: int
    llm_calls: int
    wall_s: float


def _mode_summary(outcomes: list[Outcome]) -> dict[str, Any]:
    resolved = sum(o.resolved for o in outcomes)
    usd = sum(o.usd for o in outcomes)
    return {
        "tasks": len(outcomes),
        "resolved": resolved,
        "resolved_pct": round(100 * resolved / len(outcomes), 1) if outcomes else 0.0,
        "usd": round(usd, 6),
        "usd_per_resolved": round(usd / resolved, 6) if resolved else None,
        "resolved_per_usd": resolved / usd if usd > 0 else None,
        "tokens_in": sum(o.tokens_in for o in outcomes),
        "tokens_out": sum(o.tokens_out for o in outcomes),
        "llm_calls": sum(o.llm_calls for o in outcomes),
        "wall_s": round(sum(o.wall_s for o in outcomes), 1),
        "timed_out": sum(o.timed_out for o in outcomes),
    }


def summarize(outcomes: list[Outcome], *, model: str) -> dict[str, Any]:
    """The JSON of a run: every outcome, each mode's totals, and the resolved-per-dollar ratio."""
    modes = {mode: _mode_summary([o for o in outcomes if o.mode == mode]) for mode in MODES}
    company, baseline = modes["company"]["resolved_per_usd"], modes["baseline"]["resolved_per_usd"]
    ratio = company / baseline if company is not None and baseline else None
    return {
        "model": model,
        "modes": modes,
        "resolved_per_usd_ratio": ratio,
        "outcomes": [asdict(o) for o in outcomes],
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def table(summary: dict[str, Any]) -> str:
    """The summary as a plain-text table, one column per mode."""
    rows = [
        ("resolved %", "resolved_pct"),
        ("resolved", "resolved"),
        ("USD", "usd"),
        ("USD per resolved task", "usd_per_resolved"),
        ("tokens in", "tokens_in"),
        ("tokens out", "tokens_out"),
        ("LLM calls", "llm_calls"),
        ("wall time (s)", "wall_s"),
        ("timed out", "timed_out"),
    ]
    modes = summary["modes"]
    lines = [f"{'':24}{'company':>14}{'baseline':>14}"]
    for label, key in rows:
        lines.append(
            f"{label:24}{_cell(modes['company'][key]):>14}{_cell(modes['baseline'][key]):>14}"
        )
    ratio = summary["resolved_per_usd_ratio"]
    lines.append(
        "resolved per dollar, company / baseline: "
        + (f"{ratio:.3g}" if ratio is not None else "- (a mode resolved nothing or cost nothing)")
    )
    return "\n".join(lines)
