"""The bubblewrap command line: what a sandboxed command sees of the host.

Layout: the system read-only (/usr, the /bin and /lib* links, a few files of
/etc), a private /tmp (tmpfs), a new /proc for its own pid namespace, a
minimal /dev, the worktree read-write at its host path (linked worktrees
store absolute gitdir paths, which must resolve inside too), the worktree's
git metadata read-only (so no command can plant a hook or `core.fsmonitor`
that host-side git would run), and nothing else: no /root, no /home, no
/work, no data dir, no sockets.

Every namespace is new (mount, pid, net, ipc, uts, cgroup) and every
capability is dropped. The command never runs as the host's root:

- MCC running as root: uid 0 inside a user namespace that bwrap (as root)
  makes is the host's uid 0, and the kernel checks sysctl writes
  (`/proc/sys/kernel/core_pattern`: a host-root shell on the next crash) by uid
  alone. So bwrap runs without a user namespace, and the sandbox's first step
  is `setpriv` to an unprivileged uid/gid (`run_as`) with no supplementary
  groups; it keeps CAP_SETUID/CAP_SETGID only for that step, and the uid
  change clears them (bwrap has set no_new_privs, so nothing regains them).
- MCC running as another user: bwrap makes a user namespace mapping the
  command to that same unprivileged uid, and nested user namespaces are off.

`/proc/sys` is read-only inside either way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mcc.errors import InvalidInput

# Enough of /etc for sh, python, git and the loader; no secrets (no shadow, no ssh).
ETC_FILES = (
    "alternatives",
    "group",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "mime.types",
    "nsswitch.conf",
    "os-release",
    "passwd",
    "protocols",
    "services",
)
ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
SETPRIV = "/usr/bin/setpriv"
PRIVATE_TMP = "/tmp"  # noqa: S108  # a fresh tmpfs inside the sandbox, not the host's /tmp
SYSTEM_PATHS = tuple(Path(p) for p in ("/usr", "/etc", "/proc", "/dev", "/sys", "/boot"))


@dataclass(frozen=True)
class BwrapFeatures:
    """Options that older bubblewraps lack (read from `bwrap --help`)."""

    disable_userns: bool = False
    tmpfs_size: bool = False
    perms: bool = False

    @classmethod
    def from_help(cls, text: str) -> BwrapFeatures:
        return cls(
            disable_userns="--disable-userns" in text,
            tmpfs_size="--size" in text,
            perms="--perms" in text,
        )


@dataclass(frozen=True)
class Mount:
    option: str  # --ro-bind, --bind, --symlink, --tmpfs, --proc, --dev, --dir, ...
    dest: Path
    source: str | None = None
    perms: str | None = None  # octal mode of a directory or tmpfs bwrap creates

    def args(self) -> list[str]:
        perms = ["--perms", self.perms] if self.perms is not None else []
        source = [self.source] if self.source is not None else []
        return [*perms, self.option, *source, str(self.dest)]


def python_prefixes() -> list[Path]:
    """MCC's own interpreter: the venv and the base install it links to."""
    found: list[Path] = []
    for prefix in (sys.prefix, sys.base_prefix):
        path = Path(prefix).resolve()
        if not path.is_relative_to("/usr") and path not in found:
            found.append(path)
    return found


def git_metadata(worktree: Path) -> list[Path]:
    """Host directories git needs for `worktree`, beyond the worktree itself.

    A linked worktree's `.git` is a file naming its gitdir in the main
    repository; that gitdir is trusted only if it names this worktree back
    (git writes `<gitdir>/gitdir`), so a forged `.git` file cannot make MCC
    bind some other repository into the sandbox.
    """
    dotgit = worktree / ".git"
    if dotgit.is_symlink() or not dotgit.is_file():
        return []
    try:
        text = dotgit.read_text(errors="replace")[:4096].strip()
        if not text.startswith("gitdir:"):
            return []
        gitdir = (worktree / text.removeprefix("gitdir:").strip()).resolve()
        if Path((gitdir / "gitdir").read_text().strip()).resolve() != dotgit.resolve():
            return []
        common_file = gitdir / "commondir"
        common = (
            (gitdir / common_file.read_text().strip()).resolve()
            if common_file.is_file()
            else gitdir
        )
    except OSError:
        return []
    if not ((common / "HEAD").is_file() and (common / "objects").is_dir()):
        return []
    return [common] if gitdir.is_relative_to(common) else [common, gitdir]


def _traversable_parents(table: list[Mount]) -> list[Mount]:
    """Directories bwrap would create (mode 0700, root's) on the way to a mount point,
    made 0755 so a command running as another uid can reach what is bound there."""
    taken = {mount.dest for mount in table}
    parents = {
        parent
        for mount in table
        for parent in mount.dest.parents
        if parent != Path("/") and parent not in taken
    }
    return [Mount("--dir", parent, perms="0755") for parent in sorted(parents)]


def mounts(worktree: Path, *, ro_paths: Sequence[Path], traversable: bool = False) -> list[Mount]:
    """The mount table, parents before children so deeper mounts land on top."""
    table = [Mount("--ro-bind", Path("/usr"), "/usr")]
    for name in ROOT_LINKS:
        path = Path("/", name)
        if path.is_symlink():
            table.append(Mount("--symlink", path, os.readlink(path)))
        elif path.is_dir():
            table.append(Mount("--ro-bind", path, str(path)))
    table += [Mount("--ro-bind-try", Path("/etc", name), f"/etc/{name}") for name in ETC_FILES]
    table += [Mount("--proc", Path("/proc")), Mount("--dev", Path("/dev"))]
    # After --proc (sorted deeper): sysctls stay readable and can never be written.
    table.append(Mount("--ro-bind", Path("/proc/sys"), "/proc/sys"))
    table.append(Mount("--tmpfs", Path(PRIVATE_TMP)))
    table.append(Mount("--bind", worktree, str(worktree)))
    dotgit = worktree / ".git"
    if dotgit.exists() and not dotgit.is_symlink():
        table.append(Mount("--ro-bind", dotgit, str(dotgit)))
    table += [Mount("--ro-bind", path, str(path)) for path in git_metadata(worktree)]
    table += [Mount("--ro-bind-try", path, str(path)) for path in ro_paths]
    if traversable:
        table += _traversable_parents(table)
    table.sort(key=lambda mount: len(mount.dest.parts))
    # Last: bwrap's own root is a tmpfs that stays writable (and unbounded) otherwise.
    table.append(Mount("--remount-ro", Path("/")))
    return table


def bwrap_argv(
    bwrap: str,
    command: Sequence[str],
    worktree: Path,
    *,
    features: BwrapFeatures,
    ro_paths: Sequence[Path] = (),
    tmp_bytes: int | None = None,
    status_fd: int | None = None,
    run_as: tuple[int, int] | None = None,
) -> list[str]:
    """The full bwrap command line that runs `command` in `worktree`.

    With `run_as` (MCC is root) the command starts through `setpriv` as that uid/gid.
    """
    if run_as is None:
        namespaces = [
            "--unshare-all",
            "--unshare-user",
            *(["--disable-userns"] if features.disable_userns else []),
            "--cap-drop",
            "ALL",
        ]
    else:
        namespaces = [
            *("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"),
            *("--unshare-cgroup-try", "--cap-drop", "ALL"),
            *("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"),
        ]
        uid, gid = run_as
        command = [
            SETPRIV,
            f"--reuid={uid}",
            f"--regid={gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--",
            *command,
        ]
    argv = [
        bwrap,
        *namespaces,
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "mcc-sandbox",
    ]
    if status_fd is not None:
        argv += ["--json-status-fd", str(status_fd)]
    for mount in mounts(worktree, ro_paths=ro_paths, traversable=run_as is not None):
        if mount.option == "--tmpfs" and tmp_bytes is not None and features.tmpfs_size:
            argv += ["--size", str(tmp_bytes)]
        if mount.option == "--tmpfs" and run_as is not None:
            argv += ["--perms", "1777"]  # the command's own uid must write its /tmp
        argv += mount.args()
    argv += ["--chdir", str(worktree), "--", *command]
    return argv


def check_worktree(worktree: Path) -> None:
    """Refuse worktrees that would expose the system writable (`/`, `/usr/...`, `/tmp`)."""
    if worktree in (Path("/"), Path(PRIVATE_TMP)):
        raise InvalidInput(f"{worktree} cannot be a worktree")
    for system in SYSTEM_PATHS:
        if worktree.is_relative_to(system):
            raise InvalidInput(f"a worktree cannot be inside {system}")
