from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep, TemporalDep
from api.schemas.health import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
async def health(runtime: RuntimeDep, temporal: TemporalDep) -> JSONResponse:
    """Whether the database and Temporal answer; 503 names the one that does not."""
    db = "ok" if await runtime.db.answers() else "down"
    tmp = "ok" if await temporal.healthy() else "down"
    ok = db == "ok" and tmp == "ok"
    body = HealthOut(status="ok" if ok else "degraded", db=db, temporal=tmp)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
