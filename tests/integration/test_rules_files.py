"""Rule files: `init` writes the templates, "create rules files" proposes them on a
branch, and an edited file reaches the very next task's prompt."""

from __future__ import annotations

import uuid
from pathlib import Path

from api.server import MccServer
from tests.fakes.llm_server import Reply, ScriptedToolCall
from tests.support.repos import git, make_repo

ROLE_FILES = [
    ".mcc/AGENTS.md",
    ".mcc/orchestrator.md",
    ".mcc/architect.md",
    ".mcc/coder.md",
    ".mcc/tester.md",
    ".mcc/reviewer.md",
]


def _name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


async def test_init_commits_the_rule_file_templates(api, tmp_path: Path):
    source = tmp_path / "fresh"
    created = await api.post(
        "/api/projects", json={"name": _name("Init"), "repo_path": str(source), "init": True}
    )
    assert created.status_code == 201, created.text
    tracked = git(source, "ls-files").split()
    assert sorted(tracked) == sorted(["README.md", *ROLE_FILES])
    assert "How to run the tests" in (source / ".mcc/AGENTS.md").read_text()
    assert git(source, "status", "--porcelain") == ""


async def test_create_rules_files_proposes_the_missing_ones_on_a_branch(
    api, mcc: MccServer, tmp_path: Path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# x\n", ".mcc/coder.md": "Mine.\n"})
    project = (
        await api.post("/api/projects", json={"name": _name("Rules"), "repo_path": str(repo)})
    ).json()
    response = await api.post(f"/api/projects/{project['id']}/rules-files")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["branch"] == "mcc/rules-files"
    assert sorted(body["files"]) == sorted(f for f in ROLE_FILES if f != ".mcc/coder.md")

    origin = mcc.runtime.repos.origin(project["id"])
    on_branch = git(origin, "ls-tree", "-r", "--name-only", "mcc/rules-files").split()
    assert sorted(on_branch) == sorted(["README.md", *ROLE_FILES])
    assert git(origin, "show", "mcc/rules-files:.mcc/coder.md") == "Mine.\n"  # kept
    assert ".mcc/AGENTS.md" not in git(origin, "ls-tree", "-r", "--name-only", "main")

    again = (await api.post(f"/api/projects/{project['id']}/rules-files")).json()
    assert again == {"branch": "mcc/rules-files", "files": [], "commit": None}


async def test_an_edited_rules_file_reaches_the_next_tasks_prompt(
    api, mcc: MccServer, llm, tmp_path: Path, temporal_client
):
    repo = make_repo(tmp_path / "src", {".mcc/AGENTS.md": "Rule one: write tests first.\n"})
    project = (
        await api.post("/api/projects", json={"name": _name("Edit"), "repo_path": str(repo)})
    ).json()
    agents = (await api.get("/api/agents", params={"project_id": project["id"]})).json()
    coder = next(a for a in agents if a["name"] == "coder_1")
    prompts: list[str] = []

    def answer(body):
        prompts.append(body["messages"][0]["content"])
        return Reply(tool_calls=[ScriptedToolCall("finish", {"outcome": "done", "summary": "ok"})])

    llm.script(answer, answer)

    async def run_task() -> None:
        run = (await api.post(f"/api/agents/{coder['id']}/runs", json={"task": "Go."})).json()
        await temporal_client.get_workflow_handle(run["run_id"]).result()

    await run_task()
    (repo / ".mcc/AGENTS.md").write_text("Rule two: never touch the database schema.\n")
    git(repo, "commit", "-qam", "Edit the rules")
    git(repo, "push", "-q", str(mcc.runtime.repos.origin(project["id"])), "main")
    await run_task()

    first, second = prompts
    assert "Rules from .mcc/AGENTS.md" in first and "Rule one: write tests first." in first
    assert "Rule two: never touch the database schema." in second
    assert "Rule one" not in second
