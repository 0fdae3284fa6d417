"""What health says of several workers together: a state that holds for all of them, and
each problem once, naming the workers that have it."""

from __future__ import annotations

from mcc.readiness import LLMReport
from mcc.sandbox.sandbox import SandboxReport
from mcc.worker_readiness import WorkerReport, workers_readiness, workers_sandbox

LLM = LLMReport("configured", "http://127.0.0.1:9/v1 (a local server)")
NO_KEY = LLMReport("not_configured", "No LLM API key for https://openrouter.ai/api/v1")
READY = SandboxReport("ready", "bubblewrap; commands run as uid 65533")
MISSING = SandboxReport("missing", "bubblewrap (bwrap) was not found")


def test_one_worker_without_sandbox_is_named_while_the_other_is_ready():
    readiness = workers_readiness(
        [WorkerReport("7@a", LLM, READY), WorkerReport("8@b", LLM, MISSING)]
    )
    assert (readiness.sandbox, readiness.llm) == ("missing", "configured")
    assert readiness.problems == ["sandbox missing on worker 8@b: bubblewrap (bwrap) was not found"]


def test_workers_missing_the_same_key_make_one_sentence_naming_them_all():
    readiness = workers_readiness(
        [WorkerReport("7@a", NO_KEY, READY), WorkerReport("8@b", NO_KEY, READY)]
    )
    assert readiness.llm == "not_configured"
    assert readiness.problems == [
        "LLM not configured on workers 7@a, 8@b: No LLM API key for https://openrouter.ai/api/v1"
    ]


def test_a_sandbox_turned_off_on_one_worker_is_shown_but_not_a_problem():
    off = SandboxReport("off", "MCC_SANDBOX=off: agents' commands run unconfined")
    readiness = workers_readiness([WorkerReport("7@a", LLM, READY), WorkerReport("8@b", LLM, off)])
    assert (readiness.sandbox, readiness.problems) == ("off", [])


def test_without_a_live_worker_nothing_is_known_and_nothing_is_blamed():
    readiness = workers_readiness([])
    assert (readiness.sandbox, readiness.llm, readiness.problems) == ("unknown", "unknown", [])


def test_the_settings_page_shows_the_worst_sandbox_of_the_workers_naming_its_worker():
    one = [WorkerReport("7@a", LLM, MISSING)]
    assert workers_sandbox(one) == MISSING
    two = [WorkerReport("7@a", LLM, READY), WorkerReport("8@b", LLM, MISSING)]
    assert workers_sandbox(two) == SandboxReport(
        "missing", "on worker 8@b: bubblewrap (bwrap) was not found"
    )
    assert workers_sandbox([]) is None
