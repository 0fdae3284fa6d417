"""The data dir holds the database, Temporal's state and log, the master key and every
repository: only MCC's own user may enter it.

The files inside are created under the process's umask (0644 under the usual 022);
a 0700 directory keeps them private whatever their own modes say. A directory MCC
did not create is the operator's: MCC says what it finds and leaves it as it is.
"""

from __future__ import annotations

import stat
from pathlib import Path

from mcc.errors import ServiceUnavailable

PRIVATE = 0o700


def ensure_data_dir(path: Path) -> Path:
    """Create the data dir (0700) if it does not exist yet; returns it. One that cannot
    be made (a file in its path, no permission) is named with the setting."""
    try:
        path.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
    except OSError as exc:
        raise ServiceUnavailable(f"MCC_DATA_DIR: cannot make {path}: {exc.strerror}") from None
    return path


def exposure_warning(path: Path) -> str | None:
    """A sentence for the log when other users may read or enter the data dir, else None."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if not mode & 0o077:
        return None
    return (
        f"the data dir {path} is open to other users (mode {mode:04o}): they can read the"
        f" database and the repositories in it; MCC leaves a directory it did not create"
        f" as it is, `chmod 700 {path}` closes it"
    )
