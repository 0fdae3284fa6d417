"""File tools, confined to the agent's worktree by `Workspace`."""

from __future__ import annotations

import asyncio

from pydantic import Field

from mcc.agents.tools.base import WRITERS, Tool, ToolContext, ToolOutcome, ToolParams


class ListParams(ToolParams):
    path: str = Field(default=".", description="Directory, relative to the worktree.")
    depth: int = Field(default=2, ge=1, le=6)


class ListFiles(Tool[ListParams]):
    name = "list_files"
    description = "List files and directories under a path of the repository."
    params = ListParams

    async def run(self, ctx: ToolContext, args: ListParams) -> ToolOutcome:
        listing = await asyncio.to_thread(ctx.workspace.list_dir, args.path, depth=args.depth)
        lines = [f"{e.path}{'/' if e.kind == 'dir' else ''}" for e in listing.entries]
        if listing.truncated:
            lines.append("... (more entries not shown)")
        return ToolOutcome("\n".join(lines) or "(empty)")


class ReadParams(ToolParams):
    path: str
    start_line: int = Field(default=1, ge=1)
    end_line: int | None = Field(default=None, ge=1)


class ReadFile(Tool[ReadParams]):
    name = "read_file"
    description = "Read a text file (optionally a range of lines, 1-based inclusive)."
    params = ReadParams

    async def run(self, ctx: ToolContext, args: ReadParams) -> ToolOutcome:
        text = await asyncio.to_thread(
            ctx.workspace.read_file, args.path, start_line=args.start_line, end_line=args.end_line
        )
        note = ""
        if text.truncated:
            note = f"\n... (truncated at line {text.end_line}; read on with start_line)"
        return ToolOutcome(text.content + note)


class SearchParams(ToolParams):
    pattern: str = Field(description="A regular expression.")
    path: str = "."
    glob: str | None = Field(default=None, description="Only files matching, e.g. '*.py'.")


class Search(Tool[SearchParams]):
    name = "search"
    description = "Search the repository's text files for a regular expression."
    params = SearchParams

    async def run(self, ctx: ToolContext, args: SearchParams) -> ToolOutcome:
        found = await asyncio.to_thread(
            ctx.workspace.search, args.pattern, args.path, glob=args.glob
        )
        lines = [f"{m.path}:{m.line_number}: {m.line}" for m in found.matches]
        if found.truncated:
            lines.append("... (more matches not shown)")
        return ToolOutcome("\n".join(lines) or "no matches")


class WriteParams(ToolParams):
    path: str
    content: str


class WriteFile(Tool[WriteParams]):
    name = "write_file"
    description = "Create or overwrite a file with the given content."
    params = WriteParams
    roles = WRITERS

    async def run(self, ctx: ToolContext, args: WriteParams) -> ToolOutcome:
        result = await asyncio.to_thread(ctx.workspace.write_file, args.path, args.content)
        verb = "created" if result.created else "wrote"
        return ToolOutcome(f"{verb} {result.path} ({result.size} bytes)")


class EditParams(ToolParams):
    path: str
    old: str = Field(description="Exact text to replace (must match exactly).")
    new: str
    count: int = Field(default=1, ge=1, description="How many occurrences must match.")


class EditFile(Tool[EditParams]):
    name = "edit_file"
    description = "Replace exact text in a file; fails unless it matches `count` times."
    params = EditParams
    roles = WRITERS

    async def run(self, ctx: ToolContext, args: EditParams) -> ToolOutcome:
        result = await asyncio.to_thread(
            ctx.workspace.edit_file, args.path, args.old, args.new, args.count
        )
        return ToolOutcome(f"edited {result.path}: {result.replacements} replacement(s)")
