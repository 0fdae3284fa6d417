"""The emergency pause: while it is on, no LLM call of the user's agents starts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentUser, RuntimeDep, TemporalDep
from api.held_runs import lift_pause_on_runs
from api.schemas.system import PauseIn, SystemStateOut
from mcc.budget.day import budget_day
from mcc.budget.pause import PauseState, pause_state
from mcc.budget.store import BudgetStore
from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.notifications.pausing import switch_pause

router = APIRouter(prefix="/system", tags=["system"])


def _out(state: PauseState, settings: Settings) -> SystemStateOut:
    return SystemStateOut(
        paused=state.paused,
        since=state.since,
        reason=state.reason,
        budget_day=budget_day(utcnow(), settings.budget_timezone),
        timezone=settings.budget_timezone,
    )


@router.get("/state", response_model=SystemStateOut)
async def state(user: CurrentUser, runtime: RuntimeDep) -> SystemStateOut:
    return _out(await pause_state(BudgetStore.of(runtime.db), user.id), runtime.settings)


@router.post("/pause", response_model=SystemStateOut)
async def pause(
    user: CurrentUser, runtime: RuntimeDep, body: PauseIn | None = None
) -> SystemStateOut:
    """Emergency pause: every agent stops before its next LLM call (calls in flight finish)."""
    paused = await switch_pause(
        BudgetStore.of(runtime.db),
        runtime.events,
        runtime.notifications,
        user.id,
        True,
        reason=body.reason if body else None,
    )
    return _out(paused, runtime.settings)


@router.post("/resume", response_model=SystemStateOut)
async def resume(user: CurrentUser, runtime: RuntimeDep, temporal: TemporalDep) -> SystemStateOut:
    """Lift the emergency pause: the runs it held go on now."""
    resumed = await switch_pause(
        BudgetStore.of(runtime.db), runtime.events, runtime.notifications, user.id, False
    )
    await lift_pause_on_runs(temporal.maybe_client, runtime.db, user.id)
    return _out(resumed, runtime.settings)
