"""Budget limits (global USD per day → project share % → agent share %) and the spend summary."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response, status

from api.deps import CurrentUser, DbId, RuntimeDep, TemporalDep
from api.held_runs import tell_runs_budget_changed
from api.schemas.budget import (
    AgentSpendOut,
    BudgetSummaryOut,
    CostTrendOut,
    DaySpendOut,
    LevelSpendOut,
    LimitCreate,
    LimitOut,
    LimitUpdate,
    ModelSpendOut,
    ProjectSpendOut,
    SpendOut,
    TrendDayOut,
)
from api.schemas.error import ErrorOut
from mcc.budget.day import budget_day
from mcc.budget.limits import create_limit, delete_limit, list_limits, update_limit
from mcc.budget.pause import pause_state
from mcc.budget.store import BudgetStore
from mcc.budget.summary import budget_summary, summary_range
from mcc.budget.trend import cost_trend
from mcc.db.base import utcnow

router = APIRouter(prefix="/budget", tags=["budget"])


@router.get("/limits", response_model=list[LimitOut])
async def list_all(user: CurrentUser, runtime: RuntimeDep) -> list[LimitOut]:
    limits = await list_limits(
        BudgetStore.of(runtime.db), user.id, runtime.settings.budget_default_daily_usd
    )
    return [LimitOut.model_validate(limit) for limit in limits]


@router.post(
    "/limits",
    response_model=LimitOut,
    status_code=status.HTTP_201_CREATED,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def create(
    body: LimitCreate, user: CurrentUser, runtime: RuntimeDep, temporal: TemporalDep
) -> LimitOut:
    """Set the limit of one level; the shares of a level's children may not pass 100%.
    (Each change of a limit tells the runs the budget holds: they try again at once.)"""
    limit = await create_limit(
        BudgetStore.of(runtime.db),
        user.id,
        scope=body.scope,
        default_daily_usd=runtime.settings.budget_default_daily_usd,
        **body.model_dump(exclude={"scope"}),  # the fields of this scope's body
    )
    await tell_runs_budget_changed(temporal.maybe_client, runtime.db, user.id)
    return LimitOut.model_validate(limit)


@router.patch(
    "/limits/{limit_id}",
    response_model=LimitOut,
    responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
async def change(
    limit_id: DbId,
    body: LimitUpdate,
    user: CurrentUser,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> LimitOut:
    limit = await update_limit(
        BudgetStore.of(runtime.db),
        user.id,
        limit_id,
        default_daily_usd=runtime.settings.budget_default_daily_usd,
        daily_usd=body.daily_usd,
        share_pct=body.share_pct,
    )
    await tell_runs_budget_changed(temporal.maybe_client, runtime.db, user.id)
    return LimitOut.model_validate(limit)


@router.delete(
    "/limits/{limit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"model": ErrorOut}},
)
async def remove(
    limit_id: DbId, user: CurrentUser, runtime: RuntimeDep, temporal: TemporalDep
) -> Response:
    """Remove a limit: the level is then bounded by its parent (global: the default limit)."""
    await delete_limit(BudgetStore.of(runtime.db), user.id, limit_id)
    await tell_runs_budget_changed(temporal.maybe_client, runtime.db, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/summary", response_model=BudgetSummaryOut, responses={422: {"model": ErrorOut}})
async def summary(
    user: CurrentUser,
    runtime: RuntimeDep,
    start: date | None = None,
    end: date | None = None,
) -> BudgetSummaryOut:
    """Today's spend and limit per level, and spend per day, project, agent and model over
    `start`..`end` (budget days, inclusive; default: the last 30 days)."""
    settings = runtime.settings
    store = BudgetStore.of(runtime.db)
    today = budget_day(utcnow(), settings.budget_timezone)
    first, last = summary_range(today, start, end)
    result = await budget_summary(
        store,
        user.id,
        today=today,
        start=first,
        end=last,
        default_daily_usd=settings.budget_default_daily_usd,
    )
    names = result.project_names

    def spend(value: object) -> dict[str, object]:
        return {k: getattr(value, k) for k in ("cost_usd", "tokens_in", "tokens_out", "calls")}

    return BudgetSummaryOut(
        day=today,
        timezone=settings.budget_timezone,
        paused=(await pause_state(store, user.id)).paused,
        levels=[
            LevelSpendOut(
                scope=level.scope,
                project_id=level.project_id,
                project_name=names.get(level.project_id) if level.project_id else None,
                agent=level.agent,
                spent_usd=level.spent_usd,
                reserved_usd=level.reserved_usd,
                limit_usd=level.limit_usd,
                percent=level.percent,
            )
            for level in result.levels
        ],
        start=first,
        end=last,
        total=SpendOut.model_validate(spend(result.total)),
        by_day=[DaySpendOut(**spend(s), day=s.key["day"]) for s in result.by_day],
        by_project=[
            ProjectSpendOut(
                **spend(s),
                project_id=s.key["project_id"],
                project_name=names.get(s.key["project_id"]),
            )
            for s in result.by_project
        ],
        by_agent=[AgentSpendOut(**spend(s), **s.key) for s in result.by_agent],
        by_model=[ModelSpendOut(**spend(s), model=s.key["model"]) for s in result.by_model],
    )


@router.get("/trend", response_model=CostTrendOut, responses={422: {"model": ErrorOut}})
async def trend(
    user: CurrentUser,
    runtime: RuntimeDep,
    start: date | None = None,
    end: date | None = None,
) -> CostTrendOut:
    """Cost per merged pull request per budget day over `start`..`end` (inclusive; default:
    the last 30 days), with merges and spend, and over a trailing 7-day window."""
    settings = runtime.settings
    today = budget_day(utcnow(), settings.budget_timezone)
    first, last = summary_range(today, start, end)
    result = await cost_trend(
        BudgetStore.of(runtime.db),
        user.id,
        start=first,
        end=last,
        timezone=settings.budget_timezone,
    )
    return CostTrendOut(
        start=result.start,
        end=result.end,
        timezone=settings.budget_timezone,
        days=[TrendDayOut.model_validate(day, from_attributes=True) for day in result.days],
        merged_prs=result.merged_prs,
        spend_usd=result.spend_usd,
        cost_per_merged_pr_usd=result.cost_per_merged_pr_usd,
    )
