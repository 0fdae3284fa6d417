from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, TemporalDep
from api.schemas.health import HealthOut
from mcc.readiness import llm_report

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def health(runtime: RuntimeDep, temporal: TemporalDep) -> JSONResponse:
    """Whether the database and Temporal answer (503 names the one that does not), and
    whether agents can work: the sandbox and the LLM (reported, still 200)."""
    db = "ok" if await runtime.db.answers() else "down"
    tmp = "ok" if await temporal.healthy() else "down"
    ok = db == "ok" and tmp == "ok"
    sandbox, llm = await runtime.sandbox_check.report(), llm_report(runtime.settings)
    problems = [f"LLM not configured: {llm.detail}"] if llm.state != "configured" else []
    if sandbox.state in ("missing", "broken"):
        problems.append(f"sandbox {sandbox.state}: {sandbox.detail}")
    body = HealthOut(
        status="ok" if ok else "degraded",
        db=db,
        temporal=tmp,
        sandbox=sandbox.state,
        llm=llm.state,
        problems=problems,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
