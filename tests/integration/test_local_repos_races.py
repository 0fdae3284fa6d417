"""The local forge's branches and worktrees under concurrent work in one repository."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mcc.errors import GitFailed
from mcc.forge.local_repos import LocalRepos
from mcc.git.runner import Git
from tests.support.repos import commit_file, make_repo

BRANCHES = 8


async def _repos(tmp_path: Path) -> LocalRepos:
    """The local forge with project 1's origin made from a one-commit repository."""
    repos = LocalRepos(tmp_path / "forge", Git())
    await repos.create_origin(1, make_repo(tmp_path / "src"))
    return repos


async def _repos_with_branches(tmp_path: Path) -> LocalRepos:
    repos = await _repos(tmp_path)
    for i in range(BRANCHES):
        worktree = await repos.ensure_worktree(1, f"w{i}", f"task-{i}", "main")
        await commit_file(repos.git, worktree, f"file_{i}.txt", f"{i}\n", f"task {i}")
    return repos


def _files_on(repos: LocalRepos, branch: str) -> set[str]:
    listing = subprocess.run(
        ["git", "ls-tree", "--name-only", branch],
        cwd=repos.origin(1),
        capture_output=True,
        text=True,
        check=True,
    )
    return set(listing.stdout.split())


async def test_concurrent_merges_into_one_branch_all_land(tmp_path: Path) -> None:
    repos = await _repos_with_branches(tmp_path)
    results = await asyncio.gather(
        *(repos.merge(1, f"task-{i}", "main", f"Merge task {i}") for i in range(BRANCHES))
    )
    assert len({r.merge_sha for r in results}) == BRANCHES
    assert {f"file_{i}.txt" for i in range(BRANCHES)} <= _files_on(repos, "main")


async def test_concurrent_integrations_into_one_branch_all_land(tmp_path: Path) -> None:
    repos = await _repos_with_branches(tmp_path)
    await repos.ensure_branch(1, "issue", "main")
    results = await asyncio.gather(
        *(repos.integrate(1, f"task-{i}", "issue", f"Integrate {i}") for i in range(BRANCHES))
    )
    assert not any(r.conflict for r in results)
    assert {f"file_{i}.txt" for i in range(BRANCHES)} <= _files_on(repos, "issue")


async def test_worktrees_come_and_go_concurrently_in_one_repository(tmp_path: Path) -> None:
    repos = await _repos(tmp_path)
    for _ in range(5):
        paths = await asyncio.gather(
            *(repos.ensure_worktree(1, f"w{i}", f"b{i}", "main") for i in range(16))
        )
        assert all((path / "README.md").exists() for path in paths)
        await asyncio.gather(*(repos.remove_worktree(1, f"w{i}") for i in range(16)))
        assert not any(path.exists() for path in paths)


async def test_a_worktree_whose_checkout_vanished_is_recreated_on_its_branch(
    tmp_path: Path,
) -> None:
    # What a killed attempt can leave: git still lists the worktree, its files are gone.
    repos, first = await _worktree_with_work(tmp_path)
    shutil.rmtree(first)
    again = await repos.ensure_worktree(1, "other", "task", "main")
    assert (again / "work.txt").read_text() == "kept\n"
    await repos.remove_worktree(1, "other")
    shutil.rmtree(repos.worktree(1, "w"), ignore_errors=True)
    detached = await repos.ensure_detached_worktree(1, "tests", "task")
    assert (detached / "work.txt").exists()
    await repos.remove_worktree(1, "tests")
    await repos.remove_worktree(1, "tests")  # twice: nothing left to remove is fine
    assert not detached.exists()


async def _worktree_with_work(tmp_path: Path) -> tuple[LocalRepos, Path]:
    """A worktree `w` on branch `task` with one commit of `work.txt`."""
    repos = await _repos(tmp_path)
    first = await repos.ensure_worktree(1, "w", "task", "main")
    await commit_file(repos.git, first, "work.txt", "kept\n", "work")
    return repos, first


def _registered(repos: LocalRepos) -> list[str]:
    listing = subprocess.run(
        ["git", "worktree", "list", "--porcelain"],
        cwd=repos.origin(1),
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        line.removeprefix("worktree ")
        for line in listing.stdout.splitlines()[1:]
        if line.startswith("worktree ")
    ]


async def test_a_removed_worktree_leaves_no_registration_and_frees_its_branch(
    tmp_path: Path,
) -> None:
    repos, first = await _worktree_with_work(tmp_path)
    (first / "untracked.txt").write_text("not committed\n")
    await repos.remove_worktree(1, "w")
    assert not first.exists()
    assert _registered(repos) == []
    # The branch is no longer checked out anywhere: a new run's worktree may take it.
    again = await repos.ensure_worktree(1, "again", "task", "main")
    assert (again / "work.txt").read_text() == "kept\n"
    assert _registered(repos) == [str(again)]


async def test_a_removed_worktree_is_deleted_from_disk_in_the_background(tmp_path: Path) -> None:
    repos, first = await _worktree_with_work(tmp_path)
    registration = tmp_path / "forge" / "1" / "origin.git" / "worktrees" / "w"
    assert registration.is_dir()
    await repos.remove_worktree(1, "w")
    # Gone from where git and the next run look at once; deleted from disk soon after.
    assert not first.exists() and not registration.exists()
    await repos.trash_emptied()
    assert list(repos.trash.iterdir()) == []


async def test_what_a_killed_process_left_in_the_trash_goes_with_the_next_removal(
    tmp_path: Path,
) -> None:
    repos = await _repos(tmp_path)
    left = repos.trash / "left-by-a-killed-worker"
    (left / "src").mkdir(parents=True)
    (left / "src" / "big.bin").write_bytes(b"x" * 4096)
    await repos.ensure_worktree(1, "w", "task", "main")
    await repos.remove_worktree(1, "w")
    await repos.trash_emptied()
    assert not left.exists()
    assert list(repos.trash.iterdir()) == []


async def test_removing_a_worktree_whose_git_file_names_another_keeps_the_other(
    tmp_path: Path,
) -> None:
    # An agent can write anything into its checkout, `.git` included.
    repos = await _repos(tmp_path)
    mine = await repos.ensure_worktree(1, "mine", "mine", "main")
    theirs = await repos.ensure_worktree(1, "theirs", "theirs", "main")
    (mine / ".git").write_text((theirs / ".git").read_text())
    await repos.remove_worktree(1, "mine")
    assert not mine.exists()
    assert _registered(repos) == [str(theirs)]
    assert (await repos.git.run(["status", "--short"], theirs)) == ""


async def test_several_refs_resolve_with_one_git_process(tmp_path: Path) -> None:
    repos = await _repos(tmp_path)
    worktree = await repos.ensure_worktree(1, "w", "task", "main")
    await commit_file(repos.git, worktree, "f.txt", "x\n", "task")
    spawned: list[str] = []
    status = repos.git.status

    async def counted(args: Any, cwd: Path, **options: Any) -> Any:
        spawned.append(args[0])
        return await status(args, cwd, **options)

    repos.git.status = counted  # type: ignore[method-assign]
    shas = await repos.revs(1, "task", "main", "refs/heads/task")
    assert spawned == ["cat-file"]
    repos.git.status = status  # type: ignore[method-assign]
    assert shas == [await repos.rev(1, "task"), await repos.rev(1, "main"), shas[0]]
    assert shas[0] != shas[1]


async def test_a_ref_that_names_no_commit_is_a_git_failure_naming_it(tmp_path: Path) -> None:
    repos = await _repos(tmp_path)
    with pytest.raises(GitFailed, match="nope"):
        await repos.revs(1, "main", "nope")
