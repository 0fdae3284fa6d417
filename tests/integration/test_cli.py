"""`mcc --version` and `mcc --help`, through the installed entry point as a person types them."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MCC = Path(sys.executable).parent / "mcc"  # the console script pip installed


def _mcc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MCC), *args], capture_output=True, text=True, timeout=60)


def test_mcc_version_is_the_installed_packages_version():
    done = _mcc("--version")

    assert done.returncode == 0, done.stderr
    released = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version("mission-control-center") == released
    assert done.stdout == f"mcc {released}\n"


def test_mcc_help_says_where_the_settings_are_described_and_where_they_are_read_from():
    done = _mcc("--help")

    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())  # as wrapped for any terminal width
    assert "--version Show the version of MCC and exit." in text
    assert (
        "Settings: every setting is an MCC_* environment variable (MCC_PORT=9000 mcc up), "
        "each described in README.md, section Settings; the defaults need none. mcc reads "
        "its environment only: a .env file is read by docker compose, not by mcc."
    ) in text
    # The section it points to is there, and says the same.
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    assert "Every setting is an `MCC_*` environment variable" in section
    assert "| `MCC_HOST`, `MCC_PORT` |" in section
