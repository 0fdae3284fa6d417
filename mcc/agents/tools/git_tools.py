"""git in the agent's own worktree: status, diff against its base, commit."""

from __future__ import annotations

import asyncio

from pydantic import Field

from mcc.agents.roles import Role
from mcc.agents.tools.base import Tool, ToolContext, ToolOutcome, ToolParams
from mcc.git.nested import NestedRepository, refuse_nested_repositories

MAX_DIFF = 40_000


class NoParams(ToolParams):
    pass


class GitStatus(Tool[NoParams]):
    name = "git_status"
    description = "Show the worktree's status (changed and untracked files)."
    params = NoParams

    async def run(self, ctx: ToolContext, args: NoParams) -> ToolOutcome:
        out = await ctx.git.run(["status", "--short", "--branch"], ctx.worktree)
        return ToolOutcome(out or "clean")


class DiffParams(ToolParams):
    against_base: bool = Field(
        default=True,
        description="true: everything on this branch since its base (what a reviewer sees); "
        "false: uncommitted changes only.",
    )


class GitDiff(Tool[DiffParams]):
    name = "git_diff"
    description = "Show a diff of your branch against its base, or of uncommitted changes."
    params = DiffParams

    async def run(self, ctx: ToolContext, args: DiffParams) -> ToolOutcome:
        spec = [f"{ctx.base_ref}...HEAD"] if args.against_base else ["HEAD"]
        out = await ctx.git.run(["diff", "--no-color", "--no-ext-diff", *spec], ctx.worktree)
        if len(out) > MAX_DIFF:
            out = out[:MAX_DIFF] + "\n... (diff truncated)"
        return ToolOutcome(out or "no differences")


class CommitParams(ToolParams):
    message: str = Field(min_length=1, max_length=2000)


class GitCommit(Tool[CommitParams]):
    name = "git_commit"
    description = "Stage every change in the worktree and commit it."
    params = CommitParams
    roles = frozenset({Role.CODER, Role.TESTER, Role.ARCHITECT})

    async def run(self, ctx: ToolContext, args: CommitParams) -> ToolOutcome:
        await stage_everything(ctx)
        if not await ctx.git.commit_staged(ctx.worktree, args.message, author=ctx.author):
            return ToolOutcome("nothing to commit")
        sha = (await ctx.git.run(["rev-parse", "--short", "HEAD"], ctx.worktree)).strip()
        return ToolOutcome(f"committed {sha}: {args.message.splitlines()[0]}")


async def stage_everything(ctx: ToolContext) -> None:
    """`git add -A`, refusing nested repositories before and gitlinks after (see `nested`)."""
    await asyncio.to_thread(refuse_nested_repositories, ctx.worktree)
    await ctx.git.run(["add", "-A"], ctx.worktree)
    staged = await ctx.git.run(
        ["diff", "--cached", "--raw", "--no-renames", "--ignore-submodules=none", "-z"],
        ctx.worktree,
    )
    fields = staged.split("\0")
    gitlinks = [
        path
        for head, path in zip(fields[::2], fields[1::2], strict=False)
        if head.split(" ")[1:2] == ["160000"]
    ]
    if gitlinks:
        await ctx.git.run(["reset", "--quiet", "--", *gitlinks], ctx.worktree)
        raise NestedRepository(
            f"submodules are not committed: {', '.join(gitlinks[:5])}; commit the files instead"
        )


class MergeParams(ToolParams):
    ref: str = Field(min_length=1, max_length=255, description="The branch to merge in.")


class GitMerge(Tool[MergeParams]):
    name = "git_merge"
    description = (
        "Merge another branch into yours. On a conflict, the conflicting files are listed: "
        "edit them to resolve the markers, then git_commit."
    )
    params = MergeParams
    roles = frozenset({Role.CODER, Role.TESTER})

    async def run(self, ctx: ToolContext, args: MergeParams) -> ToolOutcome:
        if args.ref.startswith("-"):
            return ToolOutcome("a branch name cannot start with '-'", error=True)
        code, out, err = await ctx.git.status(
            ["merge", "--no-edit", "--no-ff", args.ref], ctx.worktree
        )
        if code == 0:
            return ToolOutcome(f"merged {args.ref}")
        conflicted = await ctx.git.run(["diff", "--name-only", "--diff-filter=U"], ctx.worktree)
        if conflicted.strip():
            return ToolOutcome(
                "merge conflict in:\n" + conflicted + "resolve the markers, then git_commit",
                error=True,
            )
        return ToolOutcome(f"merge failed: {(err or out).strip()[:2000]}", error=True)
