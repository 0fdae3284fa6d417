"""A notification as Telegram HTML: everything escaped, split under 4096 characters."""

from __future__ import annotations

from html import escape

from mcc.notifications.notification import StoredNotification

LIMIT = 4096


def units_of(note: StoredNotification, public_url: str | None) -> list[str]:
    """The message as pieces that must not be cut (a tag pair, an escaped character)."""
    icon = "⚠️ " if note.urgent else ""
    units = [f"<b>{icon}{escape(note.title[:500])}</b>"]
    if note.message:
        units.append("\n")
        units.extend(escape(char) for char in note.message)
    if public_url and note.link:
        href = escape(public_url.rstrip("/") + note.link, quote=True)
        units.append("\n")
        units.append(f'<a href="{href}">Open in MCC</a>')
    return units


def split_units(units: list[str], limit: int = LIMIT) -> list[str]:
    """Pack the pieces into messages of at most `limit` characters, breaking at a
    newline when one is in the second half of a message."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for unit in units:
        if size + len(unit) > limit and current:
            cut = _newline_cut(current)
            chunks.append("".join(current[:cut]))
            current = current[cut:]
            size = sum(len(u) for u in current)
        current.append(unit)
        size += len(unit)
    if current:
        chunks.append("".join(current))
    return [chunk.strip("\n") or chunk for chunk in chunks]


def _newline_cut(units: list[str]) -> int:
    for index in range(len(units) - 1, len(units) // 2, -1):
        if units[index] == "\n":
            return index + 1
    return len(units)


def render(note: StoredNotification, public_url: str | None, limit: int = LIMIT) -> list[str]:
    return split_units(units_of(note, public_url), limit)
