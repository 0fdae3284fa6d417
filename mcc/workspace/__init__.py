"""An agent's file access, confined to its worktree (symlinks included)."""

from mcc.workspace.errors import (
    BinaryFile,
    EditAmbiguous,
    EditNoMatch,
    FileNotFoundInWorkspace,
    FileTooLarge,
    InvalidPattern,
    NotADirectoryInWorkspace,
    NotAFileError,
    PathOutsideWorkspace,
    WorkspaceAccessDenied,
    WorkspaceIOError,
)
from mcc.workspace.results import (
    DirEntry,
    DirListing,
    EditResult,
    FileText,
    SearchMatch,
    SearchResult,
    WriteResult,
)
from mcc.workspace.search import SearchLimits
from mcc.workspace.workspace import Workspace

__all__ = [
    "BinaryFile",
    "DirEntry",
    "DirListing",
    "EditAmbiguous",
    "EditNoMatch",
    "EditResult",
    "FileNotFoundInWorkspace",
    "FileText",
    "FileTooLarge",
    "InvalidPattern",
    "NotADirectoryInWorkspace",
    "NotAFileError",
    "PathOutsideWorkspace",
    "SearchLimits",
    "SearchMatch",
    "SearchResult",
    "Workspace",
    "WorkspaceAccessDenied",
    "WorkspaceIOError",
    "WriteResult",
]
