"""Configuration that keeps MCC's own git from running anything a repository asks for.

MCC runs git as itself (root on a default install) on trees that agents wrote.
A repository's own configuration (a nested repository's `.git/config`, say)
can name commands git runs: `core.fsmonitor`, hooks, `core.sshCommand`,
`diff.external`, filter and textconv drivers. Command-line configuration
(passed through `GIT_CONFIG_COUNT`, inherited by every git process that git
starts) outranks the repository's, so these values win; submodule recursion is
off, so git never enters a nested repository, whose `filter.*` or `diff.*`
drivers no override could enumerate. Nested repositories are refused before
they are staged (`mcc.git.nested`).
"""

from __future__ import annotations

import os

HARDENED_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),  # `/dev/null/<hook>` never exists: no hook runs
    ("core.sshCommand", "false"),  # MCC talks to remotes over files and HTTPS only
    ("core.askPass", "false"),
    ("core.editor", "false"),
    ("sequence.editor", "false"),
    ("diff.external", ""),
    ("diff.ignoreSubmodules", "all"),
    ("status.submoduleSummary", "false"),
    ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("push.recurseSubmodules", "no"),
    ("protocol.ext.allow", "never"),
    ("commit.gpgSign", "false"),
    ("tag.gpgSign", "false"),
    ("credential.helper", ""),
)
# MCC's own worktrees belong to the sandbox's user while agents work in them; git's
# ownership check would refuse them, and what they may configure is neutralised above.
TRUST_OWNER = (("safe.directory", "*"),)


def hardened_environment(*extra: tuple[str, str]) -> dict[str, str]:
    """`GIT_CONFIG_*` variables carrying `HARDENED_CONFIG` (and `extra`) as command-line
    configuration."""
    pairs = (*HARDENED_CONFIG, *extra)
    env = {"GIT_CONFIG_COUNT": str(len(pairs))}
    for index, (key, value) in enumerate(pairs):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env
