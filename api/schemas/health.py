from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class HealthOut(BaseModel):
    """`status` is about serving (database, Temporal, Redis when used: 503 when one is
    down); `worker`, `sandbox` and `llm` say whether runs can move, with `problems` in
    sentences for the person. `redis` is "not_used" in the embedded mode (no
    MCC_REDIS_URL: rate limits and events stay in the process).

    No worker is a problem, not a 503: the API serves without one (scaled mode starts
    it on its own), and a probe that failed it would keep the person from the UI that
    says what is missing. `worker` is "unknown" while Temporal does not answer.

    `sandbox` and `llm` are this process's own when it runs a worker (`mcc up`), else the
    live workers' (`readiness_of`): the worst state among them, "unknown" while none has
    reported, and a problem naming each worker that lacks one.
    """

    status: Literal["ok", "degraded"]
    db: Literal["ok", "down"]
    temporal: Literal["ok", "down"]
    worker: Literal["ok", "none", "unknown"]
    redis: Literal["ok", "down", "not_used"]
    sandbox: Literal["ready", "missing", "broken", "off", "unknown"]
    llm: Literal["configured", "not_configured", "unknown"]
    readiness_of: Literal["this_process", "workers"]
    problems: list[str]
