"""The git side of the local forge: a bare origin per project plus worktrees.

Layout: `{data}/repos/{project_id}/origin.git` is the project's origin; every
piece of work gets its own worktree next to it (`issue-{n}`, later
`agent_{name}`), so commits land directly in the origin's refs and nothing is
ever pushed. Every operation is idempotent because Temporal retries activities:
running it again after a crash gives the same result and no duplicate commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from mcc.errors import GitFailed, InvalidInput, MergeConflict, NotAGitRepo
from mcc.git.runner import Git


@dataclass(frozen=True)
class Integration:
    """The outcome of bringing one branch into another."""

    sha: str  # the target's tip afterwards
    conflict: bool = False
    kind: str = "merge"  # up_to_date | fast_forward | merge | conflict


@dataclass(frozen=True)
class MergeResult:
    merge_sha: str
    head_sha: str


# A branch that moved under a merge: recompute. Each miss means another merge landed,
# so this bounds a burst of concurrent merges into one branch, not the time spent.
_CAS_ATTEMPTS = 50


class RefMoved(Exception):
    """The compare-and-swap of a branch found another tip than the one merged onto."""


def _registration(origin: Path, checkout: Path) -> Path | None:
    """The origin's registration of `checkout`, if `checkout/.git` names one that
    names it back (an agent may write anything into its checkout's `.git` file)."""
    registration = _named_git_dir(checkout)
    if registration is None or registration.parent != (origin / "worktrees").resolve():
        return None
    try:
        back = Path((registration / "gitdir").read_text().strip()).resolve()
    except (OSError, UnicodeDecodeError):
        return None
    return registration if back == (checkout / ".git").resolve() else None


def _named_git_dir(worktree: Path) -> Path | None:
    """The git directory a linked worktree's `.git` file names (None if it names none)."""
    with contextlib.suppress(OSError, UnicodeDecodeError, IndexError):
        first = (worktree / ".git").read_text().splitlines()[0]
        if first.startswith("gitdir: "):
            return (worktree / first.removeprefix("gitdir: ").strip()).resolve()
    return None


def _delete_worktree(checkout: Path, registration: Path | None) -> None:
    shutil.rmtree(checkout, ignore_errors=True)
    if registration is not None:
        shutil.rmtree(registration, ignore_errors=True)


def _move_to(trash: Path, *paths: Path | None) -> bool:
    """Rename each path that exists into `trash` (one rename each, however large the
    checkout); False if the file system refused, so that the caller deletes instead."""
    try:
        trash.mkdir(exist_ok=True)
        for path in paths:
            if path is not None and os.path.lexists(path):
                path.rename(trash / uuid.uuid4().hex)
    except OSError:
        return False
    return True


def _empty(trash: Path) -> None:
    """Delete what is in `trash`, including what a killed process left there. Stops
    when a round deletes nothing more (an entry that cannot be deleted stays)."""
    left: set[Path] = set()
    while True:
        try:
            entries = set(trash.iterdir())
        except OSError:  # no trash yet, or not readable: nothing this sweep can do
            return
        if not entries or entries == left:
            return
        for entry in entries:
            shutil.rmtree(entry, ignore_errors=True)
        left = entries


class LocalRepos:
    def __init__(self, root: Path, git: Git) -> None:
        self.root = root
        self.git = git
        # git's worktree bookkeeping (`worktree add/remove/prune`) is not safe against
        # itself in one repository: 50 concurrent issues met "failed to read
        # worktrees/<id>/commondir" while another add was half done.
        self._worktree_admin: dict[int, asyncio.Lock] = {}
        self._emptying: asyncio.Task[None] | None = None

    def _admin(self, project_id: int) -> asyncio.Lock:
        return self._worktree_admin.setdefault(project_id, asyncio.Lock())

    def project_dir(self, project_id: int) -> Path:
        return self.root / str(project_id)

    def origin(self, project_id: int) -> Path:
        return self.project_dir(project_id) / "origin.git"

    def origins(self) -> list[tuple[int, Path]]:
        """Every project's origin on disk, by project id (a backup takes them all)."""
        entries = self.root.iterdir() if self.root.is_dir() else []
        ids = sorted(int(entry.name) for entry in entries if entry.name.isdigit())
        return [(pid, self.origin(pid)) for pid in ids if self.origin(pid).is_dir()]

    def worktree(self, project_id: int, name: str) -> Path:
        return self.project_dir(project_id) / name

    # -- registration -------------------------------------------------------

    async def inspect_source(self, source: Path) -> str:
        """Check that `source` is the root of a git repository with a commit, which MCC
        can read; return its current branch. Each refusal says what is wrong."""
        try:
            is_dir = source.is_dir()
            exists = is_dir or source.exists()
        except OSError as exc:  # a name too long, a loop of links
            raise NotAGitRepo(f"{source} cannot be read by MCC ({exc.strerror})") from None
        if not exists:
            raise NotAGitRepo(f"{source} does not exist")
        if not is_dir:
            raise NotAGitRepo(f"{source} is not a directory")
        if not os.access(source, os.R_OK | os.X_OK):
            raise NotAGitRepo(f"{source} cannot be read by MCC (permission denied)")
        code, out, err = await self.git.status(
            ["rev-parse", "--is-inside-git-dir", "--show-toplevel"], source
        )
        if code != 0:
            if "dubious ownership" in err:
                raise NotAGitRepo(
                    f"{source} belongs to another user of this machine, so git will not"
                    " read it for MCC; register a repository MCC's user owns"
                )
            if "not a git repository" in err:
                raise NotAGitRepo(f"{source} is not a git repository")
            if out.strip() == "true":  # in a git dir, which has no top level to show
                raise NotAGitRepo(
                    f"{source} is inside a git directory (a .git folder or a bare"
                    " repository); register a repository's working tree"
                )
            raise NotAGitRepo(f"{source} cannot be read as a git repository")
        inside_git_dir, _, top = out.partition("\n")
        if inside_git_dir.strip() == "true":
            raise NotAGitRepo(
                f"{source} is inside a git directory (a .git folder or a bare repository);"
                " register a repository's working tree"
            )
        toplevel = Path(os.path.realpath(top.strip()))
        if toplevel != Path(os.path.realpath(source)):
            raise NotAGitRepo(
                f"{source} is inside the git repository {toplevel}; register that"
                " repository's root instead"
            )
        if not await self.git.ok(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], source):
            raise NotAGitRepo(f"{source} has no commits yet; commit something first")
        branch = (
            await self.git.run(["symbolic-ref", "--quiet", "--short", "HEAD"], source)
        ).strip()
        if not branch:
            raise NotAGitRepo(f"{source} has a detached HEAD; check out a branch first")
        return branch

    async def init_source(
        self, source: Path, name: str, files: dict[str, str] | None = None
    ) -> None:
        """Create a new repository at `source` with a first commit (for `init: true`)
        holding a README and `files` (relative path -> text)."""
        try:
            if source.exists() and not source.is_dir():
                raise InvalidInput(f"{source} already exists and is not a directory")
            if source.exists() and any(source.iterdir()):
                raise InvalidInput(f"{source} already exists and is not empty")
            source.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a parent that is a file, no permission, a name too long
            raise InvalidInput(f"{source} could not be created ({exc.strerror})") from None
        await self.git.run(["init", "--quiet", "--initial-branch=main"], source)
        (source / "README.md").write_text(f"# {name}\n")
        for relative, text in (files or {}).items():
            (source / relative).parent.mkdir(parents=True, exist_ok=True)
            (source / relative).write_text(text)
        await self.git.run(["add", "README.md", *(files or {})], source)
        await self.git.run(["commit", "--quiet", "-m", "Initial commit"], source)

    async def create_origin(self, project_id: int, source: Path) -> None:
        """Clone `source` as the project's bare origin (replacing a half-made one)."""
        origin = self.origin(project_id)
        if origin.exists():
            shutil.rmtree(origin)
        origin.parent.mkdir(parents=True, exist_ok=True)
        code, _, _ = await self.git.status(
            ["clone", "--quiet", "--bare", str(source), str(origin)], origin.parent
        )
        if code != 0:
            # Checked before, so what is left is the repository's own state (a broken
            # object, a file MCC may not read): the person's to fix, not a server fault.
            raise NotAGitRepo(
                f"{source} could not be copied (git clone failed); check that the"
                " repository is complete and readable by MCC"
            )

    def remove_project(self, project_id: int) -> None:
        shutil.rmtree(self.project_dir(project_id), ignore_errors=True)

    # -- branches and worktrees ---------------------------------------------

    async def rev(self, project_id: int, ref: str) -> str:
        [sha] = await self.revs(project_id, ref)
        return sha

    async def revs(self, project_id: int, *refs: str) -> list[str]:
        """The commits `refs` name, from one git process however many there are
        (`cat-file --batch-check` takes any revision, as `rev-parse` does)."""
        asked = "".join(f"{ref}^{{commit}}\n" for ref in refs).encode()
        out = await self.git.run(
            ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
            self.origin(project_id),
            stdin=asked,
        )
        answers = [line.partition(" ") for line in out.splitlines()]
        if len(answers) != len(refs):
            raise GitFailed(f"git answered {len(answers)} of {len(refs)} revisions")
        for ref, (_, _, kind) in zip(refs, answers, strict=True):
            if kind != "commit":
                raise GitFailed(f"git could not resolve {ref} to a commit")
        return [sha for sha, _, _ in answers]

    async def branch_exists(self, project_id: int, branch: str) -> bool:
        return await self.git.ok(
            ["rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"], self.origin(project_id)
        )

    async def ensure_worktree(self, project_id: int, name: str, branch: str, base: str) -> Path:
        """A worktree `name` on `branch` (created from `base` if new); reused when present."""
        path = self.worktree(project_id, name)
        origin = self.origin(project_id)
        if path.exists() and await self.git.ok(["rev-parse", "--git-dir"], path):
            return path
        exists = await self.branch_exists(project_id, branch)
        add = [str(path), branch] if exists else ["-b", branch, str(path), base]
        async with self._admin(project_id):
            await self._add_worktree(origin, path, add)
        return path

    async def _add_worktree(self, origin: Path, path: Path, args: list[str]) -> None:
        """`git worktree add`; a registration that a killed attempt left behind (its
        checkout gone, or its branch still marked as checked out) is pruned first.

        Pruning only then, not before every add: it reads every worktree's admin
        directory, under the repository's worktree lock that all runs queue for.
        """
        if path.exists():
            shutil.rmtree(path)
        code, _, _ = await self.git.status(["worktree", "add", "--quiet", *args], origin)
        if code == 0:
            return
        shutil.rmtree(path, ignore_errors=True)
        await self.git.run(["worktree", "prune"], origin)
        await self.git.run(["worktree", "add", "--quiet", *args], origin)

    async def remove_worktree(self, project_id: int, name: str) -> None:
        """What `git worktree remove --force` does, without starting a git process.

        A linked worktree is its checkout plus its registration in the origin,
        `origin.git/worktrees/<id>` (gitrepository-layout(5)); both go, checkout
        first, as git does. Whatever does not look like that (gone already, half
        removed, not ours) is cleared and left to `git worktree prune`.

        Both are renamed into `{root}/.trash` and deleted there in the background:
        every agent run ends here, and deleting a checkout (in a thread, so as not to
        stall the loop) would delay a run's last step even for a small one.
        """
        path = self.worktree(project_id, name)
        origin = self.origin(project_id)
        async with self._admin(project_id):
            registration = _registration(origin, path)
            if not _move_to(self.trash, path, registration):
                await asyncio.to_thread(_delete_worktree, path, registration)
            if registration is None:
                await self.git.run(["worktree", "prune"], origin)
        self._empty_trash_soon()

    @property
    def trash(self) -> Path:
        return self.root / ".trash"

    def _empty_trash_soon(self) -> None:
        if self._emptying is None or self._emptying.done():
            self._emptying = asyncio.create_task(asyncio.to_thread(_empty, self.trash))

    async def trash_emptied(self) -> None:
        """Wait for the background deletion (tests). A process that stops first leaves
        the rest in the trash, for the next removal's sweep."""
        while self._emptying is not None and not self._emptying.done():
            await asyncio.shield(self._emptying)

    async def clear_stale_lock(self, worktree: Path) -> None:
        """Remove the index lock a killed attempt left behind.

        Each worktree is used by one step at a time, and git processes die with the
        worker that started them, so a lock present when a step starts is stale.
        """
        lock = (await self._git_dir(worktree)) / "index.lock"
        lock.unlink(missing_ok=True)

    async def _git_dir(self, worktree: Path) -> Path:
        """A linked worktree's `.git` is a file naming its git directory; read it
        rather than start git for it on every tool call (the fallback asks git)."""
        dot_git = worktree / ".git"
        if dot_git.is_dir():
            return dot_git
        named = _named_git_dir(worktree)
        if named is not None:
            return named
        gitdir = (await self.git.run(["rev-parse", "--git-dir"], worktree)).strip()
        return (worktree / gitdir).resolve()

    # -- pull requests ---------------------------------------------------------

    async def merge_base(self, project_id: int, a: str, b: str) -> str:
        return (await self.git.run(["merge-base", a, b], self.origin(project_id))).strip()

    async def diff(self, project_id: int, base_sha: str, head_sha: str) -> str:
        return await self.git.run(
            ["diff", "--no-color", "--no-ext-diff", f"{base_sha}..{head_sha}"],
            self.origin(project_id),
        )

    async def merge(self, project_id: int, branch: str, into: str, message: str) -> MergeResult:
        """Make a real merge commit of `branch` into `into`, in the bare origin (never a
        fast-forward: the pull request stays visible in history). If an earlier attempt
        already merged the branch, its merge commit is returned.
        """
        origin = self.origin(project_id)
        for _ in range(_CAS_ATTEMPTS):
            head, target = await self.revs(project_id, branch, into)
            if await self.git.ok(["merge-base", "--is-ancestor", head, target], origin):
                existing = await self._find_merge_commit(project_id, into, head)
                if existing:
                    return MergeResult(merge_sha=existing, head_sha=head)
                raise InvalidInput(f"{branch} has nothing to merge into {into}")
            try:
                commit = await self._merge_commit(origin, into, target, head, message)
            except RefMoved:
                continue  # another merge landed on `into` meanwhile: merge onto it
            if commit is None:
                raise MergeConflict(f"{branch} does not merge cleanly into {into}")
            return MergeResult(merge_sha=commit, head_sha=head)
        raise GitFailed(f"{into} kept moving while {branch} was being merged; try again")

    async def _merge_commit(
        self, origin: Path, branch: str, tip: str, head: str, message: str
    ) -> str | None:
        """Merge `head` into `branch` (at `tip`) without a worktree; None on a conflict.

        `merge-tree --write-tree` builds the tree, `commit-tree` the commit, and a
        compare-and-swap `update-ref` moves the branch, so a concurrent change is
        never overwritten (the caller's retry recomputes).
        """
        code, out, err = await self.git.status(
            ["merge-tree", "--write-tree", "--no-messages", tip, head], origin
        )
        if code == 1:
            return None
        if code != 0:
            raise GitFailed(f"git merge-tree failed: {err.strip()}")
        commit = (
            await self.git.run(
                ["commit-tree", out.split()[0], "-p", tip, "-p", head, "-m", message], origin
            )
        ).strip()
        await self._move_branch(origin, branch, commit, tip)
        return commit

    async def _move_branch(self, origin: Path, branch: str, new: str, old: str) -> None:
        """`branch` from `old` to `new`, or RefMoved if it is no longer at `old`."""
        code, _, err = await self.git.status(
            ["update-ref", f"refs/heads/{branch}", new, old], origin
        )
        if code == 0:
            return
        if await self._tip(origin, branch) != old:
            raise RefMoved(branch)
        raise GitFailed(f"git update-ref failed: {err.strip()}")

    async def blob_at(self, project_id: int, commit: str, path: str) -> str | None:
        """The blob id of regular file `path` in `commit`; None when absent (or not a file)."""
        out = await self.git.run(["ls-tree", "-z", commit, "--", path], self.origin(project_id))
        for entry in out.split("\0"):
            meta, _, name = entry.partition("\t")
            mode, _, rest = meta.partition(" ")
            kind, _, sha = rest.partition(" ")
            if name == path and kind == "blob" and mode in {"100644", "100755"}:
                return sha
        return None

    async def commit_file(
        self, project_id: int, branch: str, tip: str, path: str, data: bytes, message: str
    ) -> str:
        """Commit `path` with `data` onto `branch` (at `tip`) without a worktree; the new commit.

        Raises RefMoved when `branch` is no longer at `tip` (nothing is overwritten).
        """
        origin = self.origin(project_id)
        blob = (await self.git.run(["hash-object", "-w", "--stdin"], origin, stdin=data)).strip()
        root = (await self.git.run(["rev-parse", f"{tip}^{{tree}}"], origin)).strip()
        tree = await self._tree_with(origin, root, path.split("/"), blob)
        commit = (
            await self.git.run(["commit-tree", tree, "-p", tip, "-m", message], origin)
        ).strip()
        await self._move_branch(origin, branch, commit, tip)
        return commit

    async def _tree_with(self, origin: Path, tree: str | None, parts: list[str], blob: str) -> str:
        """`tree` with the file at `parts` set to `blob` (missing directories created)."""
        entries: dict[str, str] = {}
        if tree is not None:
            for entry in (await self.git.run(["ls-tree", "-z", tree], origin)).split("\0"):
                if entry:
                    entries[entry.partition("\t")[2]] = entry
        name, rest = parts[0], parts[1:]
        if rest:
            old = entries.get(name, "")
            meta = old.partition("\t")[0].split(" ")
            sub = meta[2] if len(meta) == 3 and meta[1] == "tree" else None
            entries[name] = f"040000 tree {await self._tree_with(origin, sub, rest, blob)}\t{name}"
        else:
            entries[name] = f"100644 blob {blob}\t{name}"
        listing = "".join(f"{entry}\0" for entry in entries.values()).encode()
        return (await self.git.run(["mktree", "-z"], origin, stdin=listing)).strip()

    async def _tip(self, origin: Path, ref: str) -> str:
        code, out, _ = await self.git.status(["rev-parse", "--verify", f"{ref}^{{commit}}"], origin)
        return out.strip() if code == 0 else ""

    async def ensure_branch(self, project_id: int, branch: str, base: str) -> str:
        """Create `branch` at `base` unless it exists; return its tip."""
        if not await self.branch_exists(project_id, branch):
            await self.git.run(["branch", branch, base], self.origin(project_id))
        return await self.rev(project_id, branch)

    async def integrate(
        self, project_id: int, source: str, target: str, message: str
    ) -> Integration:
        """Bring `source` into `target` in the bare origin: nothing, fast-forward or merge.

        A conflict is reported, not raised: it is work for an agent, not an error.
        Idempotent: once integrated, `source` is an ancestor and nothing happens.
        """
        origin = self.origin(project_id)
        for _ in range(_CAS_ATTEMPTS):
            head, tip = await self.revs(project_id, source, target)
            if await self.git.ok(["merge-base", "--is-ancestor", head, tip], origin):
                return Integration(tip, kind="up_to_date")
            try:
                if await self.git.ok(["merge-base", "--is-ancestor", tip, head], origin):
                    await self._move_branch(origin, target, head, tip)
                    return Integration(head, kind="fast_forward")
                commit = await self._merge_commit(origin, target, tip, head, message)
            except RefMoved:
                continue  # another task's work landed on `target` meanwhile
            if commit is None:
                return Integration(tip, conflict=True, kind="conflict")
            return Integration(commit, kind="merge")
        raise GitFailed(f"{target} kept moving while {source} was being integrated; try again")

    async def ensure_detached_worktree(self, project_id: int, name: str, ref: str) -> Path:
        """A worktree `name` checked out (detached) at `ref`'s current commit."""
        path = self.worktree(project_id, name)
        origin = self.origin(project_id)
        sha = await self.rev(project_id, ref)
        if path.exists() and await self.git.ok(["rev-parse", "--git-dir"], path):
            await self.clear_stale_lock(path)
            await self.git.run(["checkout", "--quiet", "--force", "--detach", sha], path)
            await self.git.run(["clean", "-fdq"], path)
            return path
        async with self._admin(project_id):
            await self._add_worktree(origin, path, ["--detach", str(path), sha])
        return path

    async def _find_merge_commit(self, project_id: int, into: str, head: str) -> str | None:
        log = await self.git.run(
            ["log", "--merges", "--format=%H %P", "-n", "200", into], self.origin(project_id)
        )
        for line in log.splitlines():
            sha, *parents = line.split()
            if head in parents[1:]:
                return sha
        return None

    async def publish(self, project_id: int, source: Path, branch: str) -> None:
        """Let the registered repository see the merge as `refs/remotes/mcc/{branch}`.

        The person's working tree is never touched; they `git merge mcc/main` when
        they want it. A source that moved away is not an error for the merge.
        """
        if not source.is_dir():
            return
        try:
            await self.git.run(
                [
                    "fetch",
                    "--quiet",
                    str(self.origin(project_id)),
                    f"+refs/heads/{branch}:refs/remotes/mcc/{branch}",
                ],
                source,
            )
        except GitFailed:
            return
