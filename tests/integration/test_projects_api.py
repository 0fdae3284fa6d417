"""Registering projects through the API: the happy paths and every refusal."""

from __future__ import annotations

from sqlalchemy import func, select

from api.server import MccServer
from mcc.models.project import Project
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
    assert "does not exist" in missing.json()["error"]["message"]

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
    assert body["message"] == "repo_path: Field required"
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
