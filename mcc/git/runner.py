"""Run git as a subprocess, without a shell, with a predictable environment."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

from mcc.errors import GitFailed
from mcc.git.hardening import TRUST_OWNER, hardened_environment
from mcc.process.death_pact import death_pact

# No prompts (a missing credential must fail, not hang a worker), no pager, no
# user-level config that could change behaviour (hooks paths, signing, aliases),
# and nothing a repository configures may run a command (see `hardening`).
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_NO_REPLACE_OBJECTS": "1",
    "LC_ALL": "C",
}
_HARDENED = hardened_environment()
_HARDENED_TRUSTING_OWNER = hardened_environment(*TRUST_OWNER)


class Git:
    """git with a fixed author identity, so the company's commits are recognisable.

    Below `trusted_root` (MCC's own repositories, whose worktrees the sandbox's user
    owns) git's repository-ownership check is off; elsewhere (a person's repository
    being registered) git keeps refusing a repository another user owns.
    """

    def __init__(
        self,
        author_name: str = "MCC",
        author_email: str = "mcc@localhost",
        *,
        trusted_root: Path | None = None,
    ) -> None:
        self.trusted_root = trusted_root.resolve() if trusted_root is not None else None
        self.identity = {
            "GIT_AUTHOR_NAME": author_name,
            "GIT_AUTHOR_EMAIL": author_email,
            "GIT_COMMITTER_NAME": author_name,
            "GIT_COMMITTER_EMAIL": author_email,
        }

    def _env(self, cwd: Path) -> dict[str, str]:
        trusted = self.trusted_root is not None and Path(cwd).resolve().is_relative_to(
            self.trusted_root
        )
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            **_GIT_ENV,
            **(_HARDENED_TRUSTING_OWNER if trusted else _HARDENED),
            **self.identity,
        }

    async def status(
        self, args: Sequence[str], cwd: Path, *, stdin: bytes | None = None
    ) -> tuple[int, str, str]:
        """Run `git args` in `cwd`; return (exit code, stdout, stderr)."""
        # git dies with the worker: a killed worker leaves no git writing into a
        # worktree that the retried step is about to use.
        pact = death_pact()
        proc = await asyncio.create_subprocess_exec(
            *pact.argv("git", *args),
            cwd=cwd,
            env=self._env(cwd),
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            preexec_fn=pact.preexec,
        )
        out, err = await proc.communicate(stdin)
        code = proc.returncode if proc.returncode is not None else -1
        return code, out.decode(errors="replace"), err.decode(errors="replace")

    async def run(
        self, args: Sequence[str], cwd: Path, *, check: bool = True, stdin: bytes | None = None
    ) -> str:
        """Run `git args` in `cwd`; return stdout, or raise GitFailed with git's message."""
        code, out, err = await self.status(args, cwd, stdin=stdin)
        if check and code != 0:
            message = err.strip() or out.strip()
            raise GitFailed(f"git {args[0]} failed: {message}")
        return out

    async def commit_staged(self, cwd: Path, message: str, *, author: str | None = None) -> bool:
        """Commit what is staged in `cwd`; False (and no commit) when nothing is."""
        if await self.ok(["diff", "--cached", "--quiet"], cwd):
            return False
        by = [f"--author={author}"] if author else []
        await self.run(["commit", "--quiet", *by, "-m", message], cwd)
        return True

    async def ok(self, args: Sequence[str], cwd: Path) -> bool:
        """True when the git command exits 0 (for yes/no questions such as is-ancestor)."""
        code, _, _ = await self.status(args, cwd)
        return code == 0
