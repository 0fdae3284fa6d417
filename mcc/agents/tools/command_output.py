"""What an agent is shown of a command's output: both ends, and what was cut.

A compiler's first error is at the start of its output and a test run's
summary at the end, so a long output keeps its head and its tail; the note
between them says how much is missing, so the agent does not mistake a cut
for the whole (and knows to narrow the command or write the output to a file).
"""

from __future__ import annotations

HEAD_SHARE = 3  # a third of what is shown comes from the start


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"


def fit_output(text: str, written_bytes: int, limit: int) -> str:
    """`text` (what the sandbox kept of the `written_bytes` the command wrote) in `limit`
    characters. Shorter text is returned as it is: whole, or already cut by the
    sandbox, whose own marker then says where."""
    if len(text) <= limit:
        return text
    head_chars = limit // HEAD_SHARE
    head, tail = text[:head_chars], text[len(text) - (limit - head_chars) :]
    written = max(written_bytes, len(text.encode()))
    cut = written - len(head.encode()) - len(tail.encode())
    return (
        f"{head}\n[… {human_size(cut)} cut; showing the first {len(head):,} and the last "
        f"{len(tail):,} characters of {human_size(written)}]\n{tail}"
    )
