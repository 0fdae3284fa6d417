"""A hostile agent plants command-running git configuration; MCC's own git never runs it.

The attack that worked: inside its worktree an agent `git init`s a nested
repository and sets `core.fsmonitor` there; MCC's host-side git (`git add -A`
in git_commit, then `git status`) recursed into it and ran the command as
root, outside the sandbox. Here every planted command touches a marker in a
host directory the sandbox cannot see, so a marker proves a host-side run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mcc.agents.roles import Role
from mcc.agents.tools.base import ToolContext, ToolOutcome
from mcc.agents.tools.registry import execute
from mcc.events import DroppedEvents
from mcc.forge.local_repos import LocalRepos
from mcc.git.runner import Git
from mcc.sandbox import Sandbox
from mcc.workspace.workspace import Workspace
from tests.support.repos import make_repo

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


def attack(markers: Path) -> str:
    """What the agent runs in its sandbox: a nested repository armed every way git allows."""

    def payload(name: str) -> str:
        return f"touch {markers}/{name}"

    return f"""
set -e
git config core.fsmonitor '{payload("own-config")}' 2>/dev/null && echo OWN-CONFIG-WRITTEN || true
mkdir -p evil/hooks && cd evil
git init -q .
echo data > f
git add f
git -c user.name=a -c user.email=a@a commit -qm nested
git config core.fsmonitor '{payload("fsmonitor")}'
git config core.hooksPath hooks
for hook in pre-commit post-commit post-checkout post-merge reference-transaction; do
  printf '#!/bin/sh\\n{payload("hook")}\\n' > hooks/$hook; chmod +x hooks/$hook
done
git config filter.evil.clean '{payload("filter")}; cat'
git config filter.evil.smudge '{payload("filter")}; cat'
git config diff.evil.textconv '{payload("textconv")}; cat'
git config diff.external '{payload("external")}'
printf '* filter=evil diff=evil\\n' > .gitattributes
echo changed >> f
cd ..
printf '* filter=evil diff=evil\\n' > .gitattributes
echo work > work.txt
echo planted
"""


@pytest.fixture
async def agent(tmp_path: Path) -> tuple[ToolContext, LocalRepos, Path]:
    repos = LocalRepos(tmp_path / "repos", Git(trusted_root=tmp_path / "repos"))
    source = make_repo(tmp_path / "source", {"README.md": "# app\n"})
    await repos.create_origin(1, source)
    worktree = await repos.ensure_worktree(1, "agent_coder_1", "task/1", "main")
    ctx = ToolContext(
        project_id=1,
        agent_id=1,
        agent_name="coder_1",
        role=Role.CODER,
        run_id="run-1",
        conversation_id=1,
        worktree=worktree,
        base_ref="main",
        workspace=Workspace(worktree),
        sandbox=Sandbox(),
        git=repos.git,
        db=None,  # type: ignore[arg-type]  # git and command tools touch no database
        events=DroppedEvents(),
    )
    markers = tmp_path / "markers"
    markers.mkdir(mode=0o777)
    return ctx, repos, markers


async def tool(ctx: ToolContext, name: str, **arguments: object) -> ToolOutcome:
    return await execute(ctx, name, json.dumps(arguments))


async def test_a_nested_repository_armed_with_commands_never_runs_on_the_host(agent) -> None:
    ctx, repos, markers = agent
    planted = await tool(ctx, "run_command", command=attack(markers))
    assert "planted" in planted.content, planted.content
    assert "OWN-CONFIG-WRITTEN" not in planted.content  # the worktree's repository is read-only

    # Every git tool of the agent, then MCC's own paths over the same tree.
    assert not (await tool(ctx, "git_status")).error
    assert not (await tool(ctx, "git_diff", against_base=False)).error
    assert not (await tool(ctx, "git_diff", against_base=True)).error
    commit = await tool(ctx, "git_commit", message="add work")
    assert commit.error
    assert "nested git repositories are not committed: evil/.git" in commit.content
    assert not (await tool(ctx, "git_merge", ref="main")).error

    # The agent follows the advice; the attributes naming unknown drivers are inert.
    await tool(ctx, "run_command", command="rm -rf evil/.git")
    committed = await tool(ctx, "git_commit", message="add work")
    assert not committed.error, committed.content
    base = await repos.rev(1, "main")
    head = await repos.rev(1, "task/1")
    assert "work.txt" in await repos.diff(1, base, head)
    assert (await repos.integrate(1, "task/1", "main", "Merge task/1")).kind == "fast_forward"
    checked_out = await repos.ensure_detached_worktree(1, "tests_1", "main")
    assert (checked_out / "work.txt").read_text() == "work\n"

    assert sorted(os.listdir(markers)) == []


async def test_the_planted_nested_repository_is_a_real_attack_on_unhardened_git(agent) -> None:
    """The control: plain git, as MCC ran it before, does run the planted fsmonitor."""
    ctx, _, markers = agent
    await tool(ctx, "run_command", command=attack(markers))
    plain = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/nonexistent",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_COUNT": "1",  # git ≥ 2.36 refuses another user's tree without this
        "GIT_CONFIG_KEY_0": "safe.directory",
        "GIT_CONFIG_VALUE_0": "*",
    }
    for args in (["add", "-A"], ["status"]):
        subprocess.run(["git", *args], cwd=ctx.worktree, env=plain, capture_output=True)
    assert "fsmonitor" in os.listdir(markers)


async def test_staged_submodule_is_refused_and_unstaged(agent) -> None:
    ctx, repos, _ = agent
    # A gitlink staged some other way than through a nested .git (here: by hand, as root),
    # over an empty directory, as an unpopulated submodule looks.
    sha = await repos.rev(1, "main")
    (ctx.worktree / "vendor" / "lib").mkdir(parents=True)
    await repos.git.run(
        ["update-index", "--add", "--cacheinfo", f"160000,{sha},vendor/lib"], ctx.worktree
    )
    (ctx.worktree / "x.txt").write_text("x\n")
    commit = await tool(ctx, "git_commit", message="x")
    assert commit.error and "submodules are not committed: vendor/lib" in commit.content
    staged = await repos.git.run(["diff", "--cached", "--name-only"], ctx.worktree)
    assert "vendor/lib" not in staged
