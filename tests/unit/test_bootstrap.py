"""scripts/bootstrap: what a fresh machine lacks is named, with the command that installs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "scripts" / "bootstrap"
BASH = shutil.which("bash") or "/bin/bash"


def host_with(tmp_path: Path, *tools: str) -> Path:
    """A PATH holding only `tools` (symlinks to this machine's), the rest of the host absent."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        assert found, f"this test needs {tool} on the machine that runs it"
        (bin_dir / tool).symlink_to(found)
    return bin_dir


def check(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(BOOTSTRAP), "--check", *args],
        env={"PATH": str(bin_dir), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_names_missing_bubblewrap_and_the_command_that_installs_it(tmp_path):
    bin_dir = host_with(tmp_path, "git", "make", "node", "npm")

    result = check(bin_dir)

    assert result.returncode == 1, result.stdout + result.stderr
    # Only bubblewrap: the rest of the host is complete.
    assert "missing: bubblewrap\n" in result.stdout
    assert "apt-get install -y --no-install-recommends bubblewrap\n" in result.stdout


def test_check_passes_when_the_host_has_everything(tmp_path):
    bin_dir = host_with(tmp_path, "git", "make", "node", "npm", "bwrap")

    result = check(bin_dir)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "everything MCC needs is installed" in result.stdout


def test_check_for_tests_also_wants_a_browser_and_the_database_servers(tmp_path):
    bin_dir = host_with(tmp_path, "git", "make", "node", "npm", "bwrap")

    result = check(bin_dir, "--for-tests")

    assert result.returncode == 1
    # No docker on this PATH: PostgreSQL and Redis must then be local servers.
    assert "missing: chromium postgresql redis-server" in result.stdout
    assert (
        "apt-get install -y --no-install-recommends chromium postgresql redis-server"
        in result.stdout
    )
