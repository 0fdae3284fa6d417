"""Rule files: `init` writes the templates, "create rules files" proposes them on a
branch, and an edited file reaches the very next task's prompt."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

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


async def _coder_tasks(
    api, llm, temporal_client, repo: Path, prefix: str
) -> tuple[dict[str, Any], list[str], Callable[[], Awaitable[None]]]:
    """A project on `repo`; the prompts its coder_1 gets, and running one task of it to its end."""
    project = (
        await api.post("/api/projects", json={"name": _name(prefix), "repo_path": str(repo)})
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

    return project, prompts, run_task


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
    # The person reviews the branch in their own repository; their checkout is not touched.
    assert body["review_ref"] == "mcc/mcc/rules-files" and body["pull_request_url"] is None
    assert git(repo, "rev-parse", "mcc/mcc/rules-files").strip() == body["commit"]
    assert git(repo, "status", "--porcelain") == ""
    assert not (repo / ".mcc/AGENTS.md").exists()

    again = (await api.post(f"/api/projects/{project['id']}/rules-files")).json()
    assert again == {
        "branch": "mcc/rules-files",
        "files": [],
        "commit": None,
        "review_ref": "mcc/mcc/rules-files",
        "pull_request_url": None,
    }


async def test_an_edited_rules_file_reaches_the_next_tasks_prompt(
    api, mcc: MccServer, llm, tmp_path: Path, temporal_client
):
    repo = make_repo(tmp_path / "src", {".mcc/AGENTS.md": "Rule one: write tests first.\n"})
    project, prompts, run_task = await _coder_tasks(api, llm, temporal_client, repo, "Edit")

    await run_task()
    (repo / ".mcc/AGENTS.md").write_text("Rule two: never touch the database schema.\n")
    git(repo, "commit", "-qam", "Edit the rules")
    git(repo, "push", "-q", str(mcc.runtime.repos.origin(project["id"])), "main")
    await run_task()

    first, second = prompts
    assert "Rules from .mcc/AGENTS.md" in first and "Rule one: write tests first." in first
    assert "Rule two: never touch the database schema." in second
    assert "Rule one" not in second


async def test_the_rules_editor_commits_onto_the_default_branch_and_refuses_a_stale_edit(
    api, mcc: MccServer, tmp_path: Path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# x\n", ".mcc/AGENTS.md": "Be brief.\n"})
    project = (
        await api.post("/api/projects", json={"name": _name("Editor"), "repo_path": str(repo)})
    ).json()
    rules = (await api.get(f"/api/projects/{project['id']}/rules")).json()
    assert rules["branch"] == "main" and rules["editable"] is True
    assert rules["max_chars"] == 20_000
    files = {f["name"]: f for f in rules["files"]}
    assert [f["path"] for f in rules["files"]] == ROLE_FILES
    assert files["AGENTS.md"]["content"] == "Be brief.\n"
    coder = files["coder.md"]
    assert coder["template"].startswith("# Coders")  # a start for the missing file
    assert {k: v for k, v in coder.items() if k != "template"} == {
        "name": "coder.md",
        "path": ".mcc/coder.md",
        "role": "coder",
        "content": None,
        "sha": None,
    }

    url = f"/api/projects/{project['id']}/rules"
    created = await api.put(
        f"{url}/coder.md", json={"content": "Small commits.\n", "base_sha": None}
    )
    assert created.status_code == 200, created.text
    origin = mcc.runtime.repos.origin(project["id"])
    assert git(origin, "show", "main:.mcc/coder.md") == "Small commits.\n"
    assert git(origin, "show", "main:.mcc/AGENTS.md") == "Be brief.\n"  # the rest untouched
    assert git(origin, "show", "main:README.md") == "# x\n"
    assert git(origin, "rev-parse", "main").strip() == created.json()["commit"]
    assert "rules editor" in git(origin, "log", "-1", "--format=%s", "main")
    # The registered repository sees it as it sees merges.
    assert git(repo, "show", "mcc/main:.mcc/coder.md") == "Small commits.\n"

    started_from = files["AGENTS.md"]["sha"]
    first = await api.put(
        f"{url}/AGENTS.md", json={"content": "Be brief. Tests first.\n", "base_sha": started_from}
    )
    assert first.status_code == 200, first.text
    stale = await api.put(
        f"{url}/AGENTS.md", json={"content": "Another tab's edit.\n", "base_sha": started_from}
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["message"] == (
        ".mcc/AGENTS.md changed on main since you opened it (another tab or a merge): "
        "reload it, then apply your edit again."
    )
    assert git(origin, "show", "main:.mcc/AGENTS.md") == "Be brief. Tests first.\n"
    again = (await api.get(url)).json()
    assert {f["name"]: f["sha"] for f in again["files"]}["AGENTS.md"] == first.json()["file"]["sha"]


async def test_the_rules_editor_reaches_only_the_rule_files_and_bounds_their_size(
    api, mcc: MccServer, tmp_path: Path
):
    repo = make_repo(tmp_path / "src", {"README.md": "# x\n"})
    project = (
        await api.post("/api/projects", json={"name": _name("Safe"), "repo_path": str(repo)})
    ).json()
    origin = mcc.runtime.repos.origin(project["id"])
    before = git(origin, "rev-parse", "main")
    url = f"/api/projects/{project['id']}/rules"
    for name in ("README.md", "..%2FREADME.md", "coder.txt", "%2E%2E%2FAGENTS.md", "AGENTS.MD"):
        refused = await api.put(f"{url}/{name}", json={"content": "x", "base_sha": None})
        # 405: the client resolved the dots, reaching no route that writes.
        assert refused.status_code in {404, 405, 422}, (name, refused.text)
    assert git(origin, "rev-parse", "main") == before
    too_long = await api.put(f"{url}/coder.md", json={"content": "x" * 20_001, "base_sha": None})
    assert too_long.status_code == 422
    at_limit = await api.put(f"{url}/coder.md", json={"content": "x" * 20_000, "base_sha": None})
    assert at_limit.status_code == 200, at_limit.text


async def test_a_file_saved_in_the_rules_editor_reaches_the_next_tasks_prompt(
    api, llm, tmp_path: Path, temporal_client
):
    repo = make_repo(tmp_path / "src", {".mcc/coder.md": "Rule one: write tests first.\n"})
    project, prompts, run_task = await _coder_tasks(api, llm, temporal_client, repo, "Saved")

    await run_task()
    url = f"/api/projects/{project['id']}/rules"
    sha = {f["name"]: f["sha"] for f in (await api.get(url)).json()["files"]}["coder.md"]
    saved = await api.put(
        f"{url}/coder.md",
        json={"content": "Rule two: never touch the schema.\n", "base_sha": sha},
    )
    assert saved.status_code == 200, saved.text
    await run_task()

    first, second = prompts
    assert "Rules from .mcc/coder.md" in first and "Rule one: write tests first." in first
    assert "Rule two: never touch the schema." in second
    assert "Rule one" not in second
