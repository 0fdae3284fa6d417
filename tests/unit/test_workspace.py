"""An agent's file tools stay inside its worktree, symlinks included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mcc.errors import InvalidInput
from mcc.workspace import (
    BinaryFile,
    EditAmbiguous,
    EditNoMatch,
    FileNotFoundInWorkspace,
    FileTooLarge,
    InvalidPattern,
    NotADirectoryInWorkspace,
    NotAFileError,
    PathOutsideWorkspace,
    Workspace,
)
from mcc.workspace.paths import open_dir


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("top secret\n")
    return secret


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = tmp_path / "worktree"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("def main():\n    return 1\n")
    (root / "README.md").write_text("# demo\n")
    return Workspace(root)


def refused(ws: Workspace, call: object) -> PathOutsideWorkspace:
    with pytest.raises(PathOutsideWorkspace) as info:
        call()  # type: ignore[operator]
    assert info.value.code == "path_outside_workspace"
    assert info.value.status == 403
    assert str(ws.root) not in info.value.message  # unless the agent typed it
    return info.value


# -- confinement -----------------------------------------------------------------


def test_dot_dot_traversal_to_etc_passwd_is_refused(ws: Workspace) -> None:
    error = refused(ws, lambda: ws.read_file("../../../../../../etc/passwd"))
    assert "'../../../../../../etc/passwd' is outside the workspace" in error.message
    refused(ws, lambda: ws.write_file("src/../../escape.txt", "x"))
    assert not (ws.root.parent / "escape.txt").exists()


def test_absolute_path_outside_is_refused_but_inside_is_accepted(
    ws: Workspace, outside: Path
) -> None:
    refused(ws, lambda: ws.read_file(str(outside)))
    refused(ws, lambda: ws.read_file("/etc/passwd"))
    assert ws.read_file(str(ws.root / "README.md")).content == "# demo\n"


def test_file_symlink_pointing_outside_is_refused_without_naming_its_target(
    ws: Workspace, outside: Path
) -> None:
    (ws.root / "innocent.txt").symlink_to(outside)
    error = refused(ws, lambda: ws.read_file("innocent.txt"))
    assert "symbolic link" in error.message
    assert str(outside) not in error.message
    assert "secret" not in error.message
    refused(ws, lambda: ws.search("secret", "innocent.txt"))


def test_intermediate_directory_symlink_pointing_outside_is_refused(
    ws: Workspace, outside: Path
) -> None:
    (ws.root / "src" / "vendor").symlink_to(outside.parent, target_is_directory=True)
    refused(ws, lambda: ws.read_file("src/vendor/secret.txt"))
    refused(ws, lambda: ws.list_dir("src/vendor"))
    refused(ws, lambda: ws.write_file("src/vendor/new.txt", "x"))
    assert not (outside.parent / "new.txt").exists()


def test_dangling_symlink_pointing_outside_is_refused_for_read_and_write(
    ws: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "not-yet-there.txt"
    (ws.root / "later.txt").symlink_to(target)
    refused(ws, lambda: ws.read_file("later.txt"))
    refused(ws, lambda: ws.write_file("later.txt", "planted"))
    assert not target.exists()


def test_writing_through_a_symlink_that_points_outside_leaves_the_target_untouched(
    ws: Workspace, outside: Path
) -> None:
    (ws.root / "config.txt").symlink_to(outside)
    refused(ws, lambda: ws.write_file("config.txt", "overwritten"))
    refused(ws, lambda: ws.edit_file("config.txt", "top", "bottom"))
    assert outside.read_text() == "top secret\n"


def test_symlink_inside_the_workspace_is_followed_to_its_real_file(ws: Workspace) -> None:
    (ws.root / "link.py").symlink_to(ws.root / "src" / "app.py")
    assert ws.read_file("link.py").path == "src/app.py"
    ws.write_file("link.py", "x = 2\n")
    assert (ws.root / "src" / "app.py").read_text() == "x = 2\n"
    assert (ws.root / "link.py").is_symlink()


def test_writes_into_git_internals_are_refused_but_reads_are_not(ws: Workspace) -> None:
    (ws.root / ".git" / "hooks").mkdir(parents=True)
    (ws.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    error = refused(ws, lambda: ws.write_file(".git/hooks/pre-commit", "#!/bin/sh\nevil\n"))
    assert ".git" in error.message
    refused(ws, lambda: ws.write_file("src/../.GIT/config", "x"))
    refused(ws, lambda: ws.edit_file(".git/HEAD", "main", "evil"))
    assert not (ws.root / ".git" / "hooks" / "pre-commit").exists()
    assert ws.read_file(".git/HEAD").content == "ref: refs/heads/main\n"


def test_a_symlink_swapped_in_after_the_check_is_not_followed(ws: Workspace, outside: Path) -> None:
    # What a TOCTOU race would leave: `confine` saw a directory, the open finds a link.
    (ws.root / "swapped").symlink_to(outside.parent, target_is_directory=True)
    with pytest.raises(PathOutsideWorkspace, match="changed into a symbolic link"):
        open_dir(ws.root, ("swapped",))


def test_symlink_loop_is_a_clear_error(ws: Workspace) -> None:
    (ws.root / "a").symlink_to("b")
    (ws.root / "b").symlink_to("a")
    with pytest.raises(InvalidInput, match="loop of symbolic links"):
        ws.read_file("a")
    with pytest.raises(InvalidInput, match="loop of symbolic links"):
        ws.write_file("a/x.txt", "x")


def test_resolve_returns_the_real_path_inside_the_root(ws: Workspace) -> None:
    assert ws.resolve("src/./app.py") == ws.root / "src" / "app.py"
    assert ws.resolve(".") == ws.root
    assert ws.relative(str(ws.root / "src")) == "src"


# -- reading -----------------------------------------------------------------------


def test_read_file_returns_a_line_range_and_knows_the_total(ws: Workspace) -> None:
    ws.write_file("lines.txt", "".join(f"line {n}\n" for n in range(1, 11)))
    text = ws.read_file("lines.txt", start_line=3, end_line=4)
    assert text.content == "line 3\nline 4\n"
    assert (text.start_line, text.end_line, text.truncated) == (3, 4, False)
    whole = ws.read_file("lines.txt")
    assert whole.total_lines == 10
    assert whole.end_line == 10


def test_read_file_stops_at_max_bytes_and_says_so(ws: Workspace) -> None:
    ws.write_file("big.txt", "abcdefghij\n" * 1000)
    text = ws.read_file("big.txt", max_bytes=25)
    assert text.content == "abcdefghij\nabcdefghij\nabc"
    assert text.truncated
    assert text.total_lines is None
    assert text.size == 11_000


def test_read_file_refuses_missing_files_directories_binaries_and_fifos(ws: Workspace) -> None:
    with pytest.raises(FileNotFoundInWorkspace, match=r"'nope\.txt' does not exist"):
        ws.read_file("nope.txt")
    with pytest.raises(NotAFileError, match="'src' is a directory"):
        ws.read_file("src")
    (ws.root / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(BinaryFile):
        ws.read_file("blob.bin")
    os.mkfifo(ws.root / "pipe")
    with pytest.raises(NotAFileError, match="not a regular file"):
        ws.read_file("pipe")  # would block forever if opened naively


def test_list_dir_walks_to_the_depth_asked_and_does_not_enter_git(ws: Workspace) -> None:
    (ws.root / ".git").mkdir()
    (ws.root / ".git" / "config").write_text("")
    (ws.root / "src" / "pkg").mkdir()
    (ws.root / "src" / "pkg" / "deep.py").write_text("")
    top = ws.list_dir()
    assert [(e.path, e.kind) for e in top.entries] == [
        (".git", "dir"),
        ("README.md", "file"),
        ("src", "dir"),
    ]
    deep = ws.list_dir(".", depth=3)
    paths = [e.path for e in deep.entries]
    assert "src/pkg/deep.py" in paths
    assert not any(p.startswith(".git/") for p in paths)
    assert next(e for e in deep.entries if e.path == "README.md").size == 7


def test_list_dir_reports_symlinks_without_following_them(ws: Workspace, outside: Path) -> None:
    (ws.root / "out").symlink_to(outside.parent, target_is_directory=True)
    listing = ws.list_dir(".", depth=5)
    assert ("out", "symlink") in [(e.path, e.kind) for e in listing.entries]
    assert not any("secret" in e.path for e in listing.entries)


def test_list_dir_stops_at_max_entries(ws: Workspace) -> None:
    for n in range(20):
        ws.write_file(f"many/f{n:02}.txt", "")
    listing = ws.list_dir("many", max_entries=5)
    assert len(listing.entries) == 5
    assert listing.truncated


def test_list_dir_of_a_file_is_a_typed_error(ws: Workspace) -> None:
    with pytest.raises(NotADirectoryInWorkspace):
        ws.list_dir("README.md")


# -- writing -----------------------------------------------------------------------


def test_write_file_creates_parents_and_reports_creation(ws: Workspace) -> None:
    first = ws.write_file("a/b/c.txt", "hello\n")
    again = ws.write_file("a/b/c.txt", "bye\n")
    assert (first.created, again.created) == (True, False)
    assert (ws.root / "a" / "b" / "c.txt").read_text() == "bye\n"
    assert [p.name for p in (ws.root / "a" / "b").iterdir()] == ["c.txt"]  # no temp left


def test_write_file_keeps_the_mode_of_the_file_it_replaces(ws: Workspace) -> None:
    script = ws.root / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    ws.write_file("run.sh", "#!/bin/sh\necho hi\n")
    assert script.stat().st_mode & 0o777 == 0o755


def test_write_file_refuses_to_replace_a_directory(ws: Workspace) -> None:
    with pytest.raises(NotAFileError, match="'src' is a directory"):
        ws.write_file("src", "flattened")
    assert (ws.root / "src" / "app.py").exists()
    with pytest.raises(NotAFileError):
        ws.write_file(".", "x")


def test_write_file_under_a_file_is_a_typed_error(ws: Workspace) -> None:
    with pytest.raises(NotADirectoryInWorkspace):
        ws.write_file("README.md/inner.txt", "x")


def test_write_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, max_write_bytes=10)
    with pytest.raises(FileTooLarge):
        ws.write_file("x.txt", "x" * 11)


def test_writing_a_hard_linked_file_does_not_change_the_other_link(
    ws: Workspace, tmp_path: Path
) -> None:
    other = tmp_path / "other-link.txt"
    other.write_text("original\n")
    os.link(other, ws.root / "linked.txt")
    ws.write_file("linked.txt", "changed\n")
    assert other.read_text() == "original\n"


# -- editing -----------------------------------------------------------------------


def test_edit_file_replaces_an_exact_unique_match(ws: Workspace) -> None:
    result = ws.edit_file("src/app.py", "    return 1\n", "    return 2\n")
    assert result.replacements == 1
    assert (ws.root / "src" / "app.py").read_text() == "def main():\n    return 2\n"


def test_edit_file_with_no_match_says_it_must_match_exactly(ws: Workspace) -> None:
    with pytest.raises(EditNoMatch, match="must match exactly"):
        ws.edit_file("src/app.py", "return 3", "return 4")


def test_edit_file_with_several_matches_refuses_and_counts_them(ws: Workspace) -> None:
    ws.write_file("dup.txt", "x = 1\nx = 1\n")
    with pytest.raises(EditAmbiguous, match="occurs 2 times"):
        ws.edit_file("dup.txt", "x = 1", "x = 2")
    assert ws.edit_file("dup.txt", "x = 1", "x = 2", count=2).replacements == 2
    assert (ws.root / "dup.txt").read_text() == "x = 2\nx = 2\n"


def test_edit_file_keeps_windows_line_endings(ws: Workspace) -> None:
    (ws.root / "crlf.txt").write_bytes(b"a\r\nb\r\n")
    ws.edit_file("crlf.txt", "b", "c")
    assert (ws.root / "crlf.txt").read_bytes() == b"a\r\nc\r\n"


def test_edit_file_refuses_an_empty_old_text(ws: Workspace) -> None:
    with pytest.raises(InvalidInput):
        ws.edit_file("README.md", "", "x")


# -- searching ---------------------------------------------------------------------


def test_search_finds_regex_matches_with_line_numbers(ws: Workspace) -> None:
    result = ws.search(r"def \w+\(")
    assert [(m.path, m.line_number, m.line) for m in result.matches] == [
        ("src/app.py", 1, "def main():")
    ]
    assert not result.truncated


def test_search_skips_git_and_binary_files(ws: Workspace) -> None:
    (ws.root / ".git").mkdir()
    (ws.root / ".git" / "config").write_text("needle\n")
    (ws.root / "image.png").write_bytes(b"\x89PNG\x00needle")
    (ws.root / "notes.txt").write_text("a needle here\n")
    assert [m.path for m in ws.search("needle").matches] == ["notes.txt"]


def test_search_filters_by_glob_and_path(ws: Workspace) -> None:
    ws.write_file("docs/guide.md", "return 1\n")
    assert [m.path for m in ws.search("return", glob="*.py").matches] == ["src/app.py"]
    assert [m.path for m in ws.search("return", glob="docs/*").matches] == ["docs/guide.md"]
    assert [m.path for m in ws.search("return", "docs").matches] == ["docs/guide.md"]
    assert [m.path for m in ws.search("return", "src/app.py").matches] == ["src/app.py"]


def test_search_stops_at_max_results(ws: Workspace) -> None:
    ws.write_file("many.txt", "hit\n" * 50)
    result = ws.search("hit", max_results=7)
    assert len(result.matches) == 7
    assert result.truncated


def test_search_with_an_invalid_regex_is_a_typed_error(ws: Workspace) -> None:
    with pytest.raises(InvalidPattern, match="invalid regular expression"):
        ws.search("(unclosed")
