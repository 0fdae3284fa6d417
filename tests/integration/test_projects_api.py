"""Registering projects through the API: the happy paths and every refusal."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select

from api.server import MccServer
from mcc.models.project import Project
from tests.conftest import login_new_user
from tests.support.http import local_client
from tests.support.repos import git, make_repo


async def _count_projects(mcc: MccServer) -> int:
    async with mcc.runtime.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Project)) or 0)


async def test_registering_an_existing_repository_keeps_a_bare_origin(api, mcc, tmp_path):
    repo = make_repo(tmp_path / "src", branch="trunk")
    response = await api.post("/api/projects", json={"name": "My App", "repo_path": str(repo)})

    assert response.status_code == 201, response.text
    project = response.json()
    assert project["slug"] == "my-app"
    assert project["default_branch"] == "trunk"
    origin = mcc.runtime.repos.origin(project["id"])
    assert git(origin, "rev-parse", "--is-bare-repository").strip() == "true"
    assert git(origin, "rev-parse", "trunk") == git(repo, "rev-parse", "trunk")
    assert origin.parent == mcc.settings.repos_dir / str(project["id"])

    listed = (await api.get("/api/projects")).json()
    assert [p["id"] for p in listed] == [project["id"]]
    assert (await api.get(f"/api/projects/{project['id']}")).json() == project


async def test_init_creates_a_repository_with_a_first_commit(api, mcc, tmp_path):
    target = tmp_path / "fresh"
    response = await api.post(
        "/api/projects", json={"name": "Fresh", "repo_path": str(target), "init": True}
    )

    assert response.status_code == 201, response.text
    assert git(target, "log", "--format=%s").strip() == "Initial commit"
    assert (target / "README.md").read_text() == "# Fresh\n"
    assert response.json()["default_branch"] == "main"


async def test_a_directory_that_is_not_a_repository_is_refused_and_nothing_is_created(
    api, mcc, tmp_path
):
    plain = tmp_path / "plain"
    plain.mkdir()
    response = await api.post("/api/projects", json={"name": "Plain", "repo_path": str(plain)})

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "not_a_git_repo",
        "message": f"{plain} is not a git repository",
    }
    assert await _count_projects(mcc) == 0
    assert not mcc.settings.repos_dir.exists() or not any(mcc.settings.repos_dir.iterdir())


async def test_a_missing_path_and_an_empty_repository_are_explained(api, mcc, tmp_path):
    missing = await api.post(
        "/api/projects", json={"name": "Gone", "repo_path": str(tmp_path / "nope")}
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["message"] == f"{tmp_path / 'nope'} does not exist"

    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    no_commit = await api.post("/api/projects", json={"name": "Empty", "repo_path": str(empty)})
    assert no_commit.status_code == 422
    assert "has no commits" in no_commit.json()["error"]["message"]

    relative = await api.post("/api/projects", json={"name": "Rel", "repo_path": "some/dir"})
    assert relative.status_code == 422
    assert "absolute" in relative.json()["error"]["message"]
    assert await _count_projects(mcc) == 0


async def test_a_duplicate_name_is_a_conflict(api, mcc, tmp_path):
    first = make_repo(tmp_path / "one")
    second = make_repo(tmp_path / "two")
    assert (
        await api.post("/api/projects", json={"name": "Twin", "repo_path": str(first)})
    ).status_code == 201
    clash = await api.post("/api/projects", json={"name": "twin", "repo_path": str(second)})

    assert clash.status_code == 409
    assert clash.json()["error"]["message"] == "a project named 'Twin' already exists"
    assert await _count_projects(mcc) == 1


async def test_missing_fields_get_a_clear_422(api, mcc):
    response = await api.post("/api/projects", json={"name": "No path"})

    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid_input"
    assert body["message"] == "repo_path is required"
    assert await _count_projects(mcc) == 0


async def test_a_field_called_body_is_named_in_the_sentence(api, tmp_path):
    created = await api.post(
        "/api/projects", json={"name": "Long", "repo_path": str(make_repo(tmp_path / "src"))}
    )
    issues = f"/api/projects/{created.json()['id']}/issues"
    response = await api.post(issues, json={"title": "Long", "body": "x" * 100_001})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "body is too long: at most 100000 characters are allowed"
    )


async def test_control_characters_in_an_issue_are_refused_in_a_sentence(api, tmp_path):
    created = await api.post(
        "/api/projects",
        json={"name": f"Nul {uuid.uuid4().hex[:8]}", "repo_path": str(make_repo(tmp_path / "src"))},
    )
    issues = f"/api/projects/{created.json()['id']}/issues"

    nul_title = await api.post(issues, json={"title": "nul\u0000t", "body": "b"})
    assert nul_title.status_code == 422
    assert nul_title.json()["error"]["message"] == (
        "title contains the control character U+0000;"
        " only tab, newline and carriage return are allowed"
    )
    escape_body = await api.post(issues, json={"title": "t", "body": "b\u001b[31m"})
    assert escape_body.status_code == 422
    assert escape_body.json()["error"]["message"].startswith(
        "body contains the control character U+001B"
    )
    assert (await api.get(issues)).json() == []
    lines = await api.post(issues, json={"title": "tab\tok", "body": "one\r\ntwo\n\tthree"})
    assert lines.status_code == 201, lines.text


async def test_a_body_that_is_not_a_json_object_gets_a_sentence_saying_so(api, mcc):
    json_type = {"Content-Type": "application/json"}
    cases = {
        '{"name": "Broken",\n "repo_path": }': (
            "the request body is not valid JSON (line 2, column 15: Expecting value)"
        ),
        "": "the request needs a JSON body",
        '["Broken"]': "the request body must be a JSON object",
    }
    for content, sentence in cases.items():
        response = await api.post("/api/projects", content=content, headers=json_type)
        assert response.status_code == 422, content
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert error["message"] == sentence, content
        assert error["details"] == [{"loc": ["body"], "msg": sentence}]
    assert await _count_projects(mcc) == 0


async def test_init_into_a_non_empty_directory_is_refused_and_left_alone(api, mcc, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    response = await api.post(
        "/api/projects", json={"name": "Busy", "repo_path": str(busy), "init": True}
    )

    assert response.status_code == 422
    assert (busy / "notes.txt").read_text() == "mine"
    assert not (busy / ".git").exists()


async def test_unknown_project_issue_and_pull_answer_404(api, mcc, tmp_path):
    assert (await api.get("/api/projects/999")).status_code == 404
    repo = make_repo(tmp_path / "src")
    pid = (await api.post("/api/projects", json={"name": "P", "repo_path": str(repo)})).json()["id"]
    missing_issue = await api.get(f"/api/projects/{pid}/issues/7")
    assert missing_issue.status_code == 404
    assert missing_issue.json()["error"] == {"code": "not_found", "message": "issue #7 not found"}
    assert (await api.get(f"/api/projects/{pid}/pulls/3/diff")).status_code == 404
    assert (await api.get("/api/nothing-here")).status_code == 404


async def _refused(api: httpx.AsyncClient, mcc: MccServer, path: Path | str, status: int = 422):
    """The registration of `path` is refused with `status`, and nothing was created."""
    response = await api.post("/api/projects", json={"name": "Nope", "repo_path": str(path)})
    assert response.status_code == status, response.text
    assert await _count_projects(mcc) == 0 or status == 409
    return response.json()["error"]


def _nothing_in_repos_dir(mcc: MccServer) -> bool:
    return not mcc.settings.repos_dir.exists() or not any(mcc.settings.repos_dir.iterdir())


async def test_every_wrong_repository_path_is_a_sentence_never_a_server_error(api, mcc, tmp_path):
    repo = make_repo(tmp_path / "repo", files={"src/app.py": "x = 1\n", "README.md": "r\n"})
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a directory")
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))

    cases: list[tuple[Path | str, str]] = [
        (
            repo / "src",
            f"{repo / 'src'} is inside the git repository {repo}; register that"
            " repository's root instead",
        ),
        (
            repo / ".git",
            f"{repo / '.git'} is inside a git directory (a .git folder or a bare"
            " repository); register a repository's working tree",
        ),
        (repo / ".git" / "refs", "is inside a git directory"),
        (bare, "is inside a git directory"),
        (a_file, f"{a_file} is not a directory"),
        (
            "/proc/self/cwd",
            "/proc/self/cwd is on a special file system (like /proc or /sys),"
            " not a disk; register a repository's own directory",
        ),
        ("/proc/1/root", "special file system"),
        ("/sys/kernel", "special file system"),
        ("/dev/shm", "special file system"),
        ("/proc/../proc/self", "special file system"),
        (tmp_path / ("x" * 300), "cannot be read by MCC (File name too long)"),
    ]
    for path, message in cases:
        error = await _refused(api, mcc, path)
        assert error["code"] in {"not_a_git_repo", "invalid_input"}, (path, error)
        assert message in error["message"], (path, error)
        assert "fatal" not in error["message"] and "git clone" not in error["message"]
    for path, message in [
        (a_file, "already exists and is not a directory"),
        (a_file / "sub", "could not be created (Not a directory)"),
        (tmp_path / ("x" * 300), "could not be created (File name too long)"),
        ("/proc/self/new", "special file system"),
    ]:
        response = await api.post(
            "/api/projects", json={"name": "Init", "repo_path": str(path), "init": True}
        )
        assert response.status_code == 422, (path, response.text)
        error = response.json()["error"]
        assert error["code"] in {"not_a_git_repo", "invalid_input"}, (path, error)
        assert message in error["message"], (path, error)
        assert "fatal" not in error["message"] and "git clone" not in error["message"]
    assert _nothing_in_repos_dir(mcc)


async def test_a_repository_mcc_may_not_read_is_refused(api, mcc, tmp_path):
    repo = make_repo(tmp_path / "theirs")
    if os.geteuid() == 0:
        # root reads everything, but git will not read a repository another user owns.
        for root, dirs, files in os.walk(repo):
            for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
                os.lchown(name, 4321, 4321)
        expected = "belongs to another user of this machine"
    else:
        repo.chmod(0)
        expected = "cannot be read by MCC (permission denied)"
    try:
        error = await _refused(api, mcc, repo)
    finally:
        repo.chmod(0o755)
    assert expected in error["message"]
    assert _nothing_in_repos_dir(mcc)


async def test_mccs_own_data_directory_cannot_be_registered(api, mcc, tmp_path):
    repo = make_repo(tmp_path / "src")
    created = await api.post("/api/projects", json={"name": "Own", "repo_path": str(repo)})
    assert created.status_code == 201
    origin = mcc.runtime.repos.origin(created.json()["id"])
    for path in (origin, origin.parent, mcc.settings.resolved_data_dir):
        response = await api.post("/api/projects", json={"name": "Copy", "repo_path": str(path)})
        assert response.status_code == 422, (path, response.text)
        assert "is inside MCC's data directory" in response.json()["error"]["message"]
    assert await _count_projects(mcc) == 1


async def test_a_repository_belongs_to_the_account_that_registered_it(api, mcc, tmp_path):
    repo = make_repo(tmp_path / "src")
    link = tmp_path / "link-to-src"
    link.symlink_to(repo)
    mine = await api.post("/api/projects", json={"name": "Mine", "repo_path": str(link)})
    assert mine.status_code == 201
    assert mine.json()["repo_path"] == str(repo.resolve())

    async with local_client(base_url=str(api.base_url)) as other:
        await login_new_user(other, mcc, "second@example.com")
        for path in (repo, link, f"{repo}/", f"{tmp_path}/./link-to-src/../src"):
            response = await other.post(
                "/api/projects", json={"name": "Taken", "repo_path": str(path)}
            )
            assert response.status_code == 409, (path, response.text)
            assert response.json()["error"] == {
                "code": "repo_taken",
                "message": "this repository is already registered by another account",
            }
        # Another repository is the second account's to register.
        theirs = make_repo(tmp_path / "theirs")
        ok = await other.post("/api/projects", json={"name": "Theirs", "repo_path": str(theirs)})
        assert ok.status_code == 201
    assert await _count_projects(mcc) == 2


async def test_one_repository_is_one_project(api, mcc, tmp_path):
    """Each project publishes its merges into the repository as refs/remotes/mcc/<branch>:
    a second project on it would overwrite the first's."""
    repo = make_repo(tmp_path / "src")
    assert (
        await api.post("/api/projects", json={"name": "Demo", "repo_path": str(repo)})
    ).is_success
    again = await api.post("/api/projects", json={"name": "Demo again", "repo_path": f"{repo}/"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "repo_registered"
    assert "already your project 'Demo'" in again.json()["error"]["message"]
    assert await _count_projects(mcc) == 1


async def test_repo_roots_limit_where_repositories_may_be_registered(settings, tmp_path):
    allowed = tmp_path / "allowed"
    inside = make_repo(allowed / "inside")
    outside = make_repo(tmp_path / "outside")
    (allowed / "sneaky").symlink_to(outside)
    server = MccServer(settings.model_copy(update={"repo_roots": [allowed]}), worker=False)
    await server.start()
    try:
        async with local_client(base_url=f"http://127.0.0.1:{server.port}") as client:
            await login_new_user(client, server, "owner@example.com")
            for path, init in (
                (outside, False),
                (allowed / "sneaky", False),
                (tmp_path / "new", True),
            ):
                response = await client.post(
                    "/api/projects", json={"name": "Out", "repo_path": str(path), "init": init}
                )
                assert response.status_code == 422, (path, response.text)
                message = response.json()["error"]["message"]
                assert "outside the directories repositories may be registered from" in message
                assert "MCC_REPO_ROOTS" in message
            assert not (tmp_path / "new").exists()
            response = await client.post(
                "/api/projects", json={"name": "In", "repo_path": str(inside)}
            )
            assert response.status_code == 201, response.text
            new = await client.post(
                "/api/projects",
                json={"name": "New", "repo_path": str(allowed / "new"), "init": True},
            )
            assert new.status_code == 201, new.text
    finally:
        await server.stop()
