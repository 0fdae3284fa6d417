"""`mcc eval` end to end on the scripted LLM: both modes, judged by the hidden tests."""

from __future__ import annotations

import json
from dataclasses import replace

from api.evaluation import EvalOptions, run_eval, run_with, write_report
from api.server import MccServer
from mcc.agents.briefs import TaskKind
from mcc.eval.tasks import load_tasks
from tests.fakes.llm_server import Hang
from tests.support.company import Company, Rule, call, finish


async def test_eval_judges_both_modes_by_the_hidden_tests_and_counts_a_timeout_unresolved(
    api, mcc: MccServer, company: Company, llm, tmp_path
):
    calc, dedupe, roman = load_tasks(only=["py-calc-add", "py-dedupe", "py-roman"])
    roman = replace(roman, timeout_s=8)  # its coder never answers: the task times out
    company.rules += [
        Rule(
            "coder",
            TaskKind.CODE,
            [
                call("edit_file", path="calc.py", old="return a - b", new="return a + b"),
                call("git_commit", message="Fix add()"),
                finish("add() adds"),
            ],
            heading="add() subtracts",
        ),
        # Claims a fix it never made: only the hidden tests can tell.
        Rule(
            "coder",
            TaskKind.CODE,
            [finish("dedupe keeps the order now")],
            heading="dedupe loses the order",
        ),
        Rule("coder", TaskKind.CODE, [Hang()], heading="to_roman(4) gives IIII"),  # type: ignore[list-item]
    ]
    options = EvalOptions(
        tasks=[calc, dedupe, roman],
        modes=("company", "baseline"),
        model=None,
        max_usd=5.0,
        json_out=tmp_path / "eval.json",
    )

    outcomes = await run_with(mcc, options, tmp_path / "work")
    shown = write_report(outcomes, options, "test/model")

    by = {(o.task, o.mode): o for o in outcomes}
    for mode in ("company", "baseline"):
        assert by[("py-calc-add", mode)].resolved
        assert not by[("py-dedupe", mode)].resolved
        assert not by[("py-roman", mode)].resolved and by[("py-roman", mode)].timed_out
        assert all(
            by[(t, mode)].usd > 0 and by[(t, mode)].llm_calls > 0
            for t in ("py-calc-add", "py-dedupe")
        )
    assert by[("py-dedupe", "baseline")].finished_as == "done"  # the agent said it was done
    # The company spends more calls on the same task than one coder alone.
    assert by[("py-calc-add", "company")].llm_calls > by[("py-calc-add", "baseline")].llm_calls
    report = json.loads(options.json_out.read_text())
    assert report["modes"]["company"]["resolved"] == 1 == report["modes"]["baseline"]["resolved"]
    assert report["modes"]["company"]["timed_out"] == 1
    ratio = report["resolved_per_usd_ratio"]
    assert 0 < ratio < 1  # same resolutions, the company paid more for them
    assert "resolved per dollar, company / baseline" in shown
    print("\n" + shown)
    # The hidden tests never reached an agent.
    assert not any("test_hidden" in json.dumps(r.body) for r in llm.chat_requests)


async def test_mcc_eval_runs_on_an_mcc_of_its_own_and_writes_the_json(llm, tmp_path):
    from mcc.config import Settings
    from tests.support.company import answer_forever

    scripted = Company(
        rules=[
            Rule(
                "coder",
                TaskKind.CODE,
                [
                    call("edit_file", path="calc.py", old="return a - b", new="return a + b"),
                    call("git_commit", message="Fix add()"),
                    finish("add() adds"),
                ],
                heading="add() subtracts",
            )
        ]
    )
    answer_forever(llm, scripted)
    options = EvalOptions(
        tasks=load_tasks(only=["py-calc-add"]),
        modes=("company", "baseline"),
        model="test/model",
        max_usd=2.0,
        json_out=tmp_path / "results.json",
        timeout_s=300,
    )

    shown = await run_eval(
        Settings(data_dir=tmp_path / "unused", llm_base_url=llm.base_url), options
    )

    report = json.loads(options.json_out.read_text())
    assert report["model"] == "test/model"
    assert report["modes"]["company"]["resolved_pct"] == 100.0
    assert report["modes"]["baseline"]["resolved_pct"] == 100.0
    assert report["resolved_per_usd_ratio"] > 0
    assert shown.splitlines()[0].split() == ["company", "baseline"]
    assert not (tmp_path / "unused").exists()  # nothing of the person's MCC was touched
