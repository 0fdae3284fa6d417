"""Errors of the agent file tools.

Every message names the file by its path relative to the workspace (or repeats
the path the agent gave), never by the host path of the worktree nor by the
target of a symbolic link, so the message can go back to the agent verbatim.
"""

from __future__ import annotations

from mcc.errors import InvalidInput, MccError, NotFound


class PathOutsideWorkspace(MccError):
    """The path leaves the worktree (`..`, absolute, symlink) or touches `.git` for writing."""

    code = "path_outside_workspace"
    status = 403


class FileNotFoundInWorkspace(NotFound):
    code = "file_not_found"


class NotAFileError(InvalidInput):
    """A directory, FIFO, socket or device where a regular file is needed."""

    code = "not_a_file"


class NotADirectoryInWorkspace(InvalidInput):
    code = "not_a_directory"


class FileTooLarge(InvalidInput):
    code = "file_too_large"
    status = 413


class BinaryFile(InvalidInput):
    code = "binary_file"


class EditNoMatch(InvalidInput):
    """The text to replace does not occur in the file."""

    code = "edit_no_match"


class EditAmbiguous(InvalidInput):
    """The text to replace occurs a different number of times than asked for."""

    code = "edit_ambiguous"


class InvalidPattern(InvalidInput):
    code = "invalid_pattern"


class WorkspaceAccessDenied(MccError):
    code = "permission_denied"
    status = 403


class WorkspaceIOError(MccError):
    code = "workspace_io_error"
    status = 500
