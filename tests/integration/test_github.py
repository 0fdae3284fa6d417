"""MCC with a GitHub repository, against the fake GitHub the tests start: registering,
webhooks (signature, once-only delivery) and an issue from a label to a merge there."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from sqlalchemy import func, select

from api.server import MccServer
from mcc.agents.briefs import TaskKind
from mcc.config import Settings
from mcc.db.base import utcnow
from mcc.issues import file_issue
from mcc.models.conversation import Conversation
from mcc.models.issue import Issue
from mcc.models.message import Message
from mcc.models.project import Project
from mcc.models.pull_request import PullRequest
from mcc.models.webhook_delivery import WebhookDelivery
from tests.fakes.github_server import FakeGitHub, RunningFake, start_fake_github
from tests.support.company import Rule, call, finish
from tests.support.decisions import decide
from tests.support.repos import git, make_repo
from tests.support.settings import local_settings
from tests.support.waiting import eventually, wait_for_phase

APP_ID = 4242
SECRET = "webhook secret for the tests"
# GitHub marks a delivery failed when its answer takes longer: the contract a webhook
# keeps. A tighter bound only measures how loaded the test machine is (bench/README.md).
GITHUB_WAITS_S = 10


@pytest.fixture(scope="module")
def app_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The App's private key file and the public key the fake checks JWTs with."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("app") / "app.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, public.decode()


@pytest.fixture
async def fake(tmp_path: Path, app_key: tuple[Path, str]) -> AsyncIterator[RunningFake]:
    running = await start_fake_github(tmp_path / "github", APP_ID, app_key[1])
    try:
        yield running
    finally:
        await running.runner.cleanup()


@pytest.fixture
def settings(request, tmp_path, database_url, temporal_address, llm, fake, app_key) -> Settings:
    # A test that checks the polling fallback rereads CI every second (the default is 60 s).
    poll = request.node.get_closest_marker("ci_poll_seconds")
    return local_settings(
        tmp_path / "data",
        database_url,
        temporal_address,
        "mcc-github",
        llm_base_url=llm.base_url,
        github_app_id=APP_ID,
        github_private_key_file=app_key[0],
        github_webhook_secret=SecretStr(SECRET),
        github_api_url=fake.url,
        github_write_interval_s=0,
        github_ci_poll_seconds=poll.args[0] if poll else 60,
    )


def _hook_url(mcc: MccServer) -> str:
    return f"http://127.0.0.1:{mcc.port}/api/webhooks/github"


async def _count(mcc: MccServer, model: type) -> int:
    async with mcc.runtime.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _register(api, github: FakeGitHub, installed: bool = True) -> tuple[dict, str]:
    full = f"octo/app-{uuid.uuid4().hex[:6]}"
    github.add_repo(full, installation_id=77 if installed else None)
    response = await api.post(
        "/api/projects", json={"name": f"GH {full}", "github": {"repo": full}}
    )
    assert response.status_code == 201, response.text
    return response.json(), full


# -- registering ----------------------------------------------------------------------


async def test_registering_a_github_repository_mirrors_it_with_the_apps_token(
    api, mcc: MccServer, fake: RunningFake
):
    project, full = await _register(api, fake.github)

    assert project["forge"] == "github" and project["github_repo"] == full
    assert project["default_branch"] == "main" and project["trigger_label"] == "mcc"
    origin = mcc.runtime.repos.origin(project["id"])
    bare = fake.github.repos[full].bare
    assert git(origin, "rev-parse", "main") == git(bare, "rev-parse", "main")
    # The token went to git through the environment only: not in a URL, not on disk.
    config = (origin / "config").read_text()
    assert "x-access-token" not in config and "extraheader" not in config.lower()
    assert fake.github.tokens_issued == 1


async def test_the_trigger_label_is_changed_within_githubs_label_rules(
    api, fake: RunningFake, tmp_path: Path
):
    project, _ = await _register(api, fake.github)
    url = f"/api/projects/{project['id']}"

    changed = await api.patch(url, json={"trigger_label": "ready for mcc"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["trigger_label"] == "ready for mcc"
    assert (await api.get(url)).json()["trigger_label"] == "ready for mcc"

    refusals = {
        "": "The trigger label cannot be empty.",
        " mcc": "The trigger label cannot start or end with a space.",
        "x" * 51: "The trigger label can be at most 50 characters long.",
    }
    for label, sentence in refusals.items():
        refused = await api.patch(url, json={"trigger_label": label})
        assert refused.status_code == 422
        assert refused.json()["error"]["message"] == sentence
    assert (await api.patch(url, json={"trigger_label": "x" * 50})).status_code == 200

    local = await api.post(
        "/api/projects", json={"name": "Local", "repo_path": str(make_repo(tmp_path / "l"))}
    )
    assert local.status_code == 201, local.text
    not_github = await api.patch(
        f"/api/projects/{local.json()['id']}", json={"trigger_label": "mcc-go"}
    )
    assert not_github.status_code == 422
    assert not_github.json()["error"]["message"] == "Only a GitHub project has a trigger label."


async def test_registering_with_a_personal_token_stores_it_sealed(
    api, mcc: MccServer, fake: RunningFake
):
    full = f"octo/pat-{uuid.uuid4().hex[:6]}"
    repo = fake.github.add_repo(full)  # no App installation
    token = fake.github.personal_token()
    response = await api.post(
        "/api/projects", json={"name": "With token", "github": {"repo": full, "token": token}}
    )
    assert response.status_code == 201, response.text
    assert response.json()["has_forge_token"] is True
    async with mcc.runtime.db.sessions() as session:
        row = await session.get(Project, response.json()["id"])
        assert row is not None and row.forge_token_enc is not None
        assert token.encode() not in row.forge_token_enc
    assert git(mcc.runtime.repos.origin(row.id), "rev-parse", "main") == git(
        repo.bare, "rev-parse", "main"
    )


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unknown", 422, "forge_app_not_installed"),
        ("not_installed", 422, "forge_app_not_installed"),
        ("bad_name", 422, "invalid_input"),
        ("token_for_unknown", 404, "forge_repo_not_found"),
    ],
)
async def test_a_repository_mcc_cannot_use_is_refused_and_nothing_is_created(
    api, mcc: MccServer, fake: RunningFake, case: str, status: int, code: str
):
    body: dict = {"repo": "octo/nowhere"}
    if case == "not_installed":
        fake.github.add_repo("octo/elsewhere")
        body = {"repo": "octo/elsewhere"}
    elif case == "bad_name":
        body = {"repo": "not a repo"}
    elif case == "token_for_unknown":
        body = {"repo": "octo/nowhere", "token": fake.github.personal_token()}
    response = await api.post("/api/projects", json={"name": "Refused", "github": body})

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert await _count(mcc, Project) == 0
    assert not mcc.settings.repos_dir.exists() or not any(mcc.settings.repos_dir.iterdir())


# -- webhooks -------------------------------------------------------------------------


async def test_a_forged_signature_is_refused_and_nothing_is_stored(
    api, mcc: MccServer, fake: RunningFake
):
    status, _ = await fake.github.deliver(
        _hook_url(mcc), "not the secret", "ping", {"zen": "Keep it logically awesome."}
    )
    assert status == 401
    status, _ = await fake.github.deliver(
        _hook_url(mcc), SECRET, "ping", {"zen": "x"}, signature="sha256=" + "0" * 64
    )
    assert status == 401
    assert await _count(mcc, WebhookDelivery) == 0


async def test_unknown_events_are_acknowledged_and_ignored(api, mcc: MccServer, fake):
    status, seconds = await fake.github.deliver(_hook_url(mcc), SECRET, "star", {"action": "x"})
    assert status == 200 and seconds < GITHUB_WAITS_S


async def test_the_same_delivery_five_times_starts_one_run(
    api, mcc: MccServer, fake: RunningFake, temporal_client
):
    project, full = await _register(api, fake.github)
    repo = fake.github.repos[full]
    issue = fake.github.open_issue(repo, "Greet people", "Say hello.", ["mcc"])
    payload = {
        "action": "labeled",
        "label": {"name": "mcc"},
        "issue": fake.github.issue_payload(repo, issue),
        "repository": fake.github.repo_payload(repo),
    }
    answers = [
        await fake.github.deliver(_hook_url(mcc), SECRET, "issues", payload, delivery="d-1")
        for _ in range(5)
    ]
    assert [status for status, _ in answers] == [200] * 5
    assert max(seconds for _, seconds in answers) < GITHUB_WAITS_S, answers
    # A second delivery of another event for the same issue finds the same run.
    status, _ = await fake.github.deliver(_hook_url(mcc), SECRET, "issues", payload)
    assert status == 200
    assert await _count(mcc, WebhookDelivery) == 2
    runs = [
        r
        async for r in temporal_client.list_workflows(
            f"WorkflowId = 'issue/{project['slug']}/{issue.number}'"
        )
    ]
    assert len(runs) == 1
    issues = (await api.get(f"/api/projects/{project['id']}/issues")).json()
    assert [i["number"] for i in issues] == [issue.number]


# -- an issue from a label to a merge on GitHub -----------------------------------------


def _review(github: FakeGitHub, full: str, pull_number: int, state: str, body: str = "") -> dict:
    repo = github.repos[full]
    pull = repo.pulls[pull_number]
    return {
        "action": "submitted",
        "review": {
            "id": 1,
            "state": state,
            "body": body,
            "commit_id": github.branch_sha(repo, pull.head),
            "user": {"login": "alice", "type": "User"},
        },
        "pull_request": github.pull_payload(repo, pull),
        "repository": github.repo_payload(repo),
    }


def _issue_event(github: FakeGitHub, full: str, number: int, action: str) -> dict:
    repo = github.repos[full]
    return {
        "action": action,
        "label": {"name": "mcc"},
        "issue": github.issue_payload(repo, repo.issues[number]),
        "repository": github.repo_payload(repo),
    }


async def _labelled_issue(mcc: MccServer, github: FakeGitHub, full: str) -> int:
    repo = github.repos[full]
    repo.permissions["alice"] = "write"
    issue = github.open_issue(repo, "Greet people", "Say hello.", ["mcc"])
    event = _issue_event(github, full, issue.number, "labeled")
    status, _ = await github.deliver(_hook_url(mcc), SECRET, "issues", event)
    assert status == 200
    return issue.number


async def test_a_labelled_issue_becomes_a_pull_request_that_an_approving_review_merges(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full = await _register(api, github)
    pid = project["id"]
    number = await _labelled_issue(mcc, github, full)

    waiting = await wait_for_phase(api, pid, number, "awaiting_approval", timeout_s=60)
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    assert pull.state == "open" and pull.head == f"mcc/issue-{number}" and pull.base == "main"
    assert f"Closes #{number}" in pull.body and "Temporal UI" in pull.body
    assert "## Spec\n\n# Greet people\n\nSay hello." in pull.body
    assert "## Tests\n\nTests: none run (no test command" in pull.body  # the repo has none
    assert "## Review\n\nReview: approve" in pull.body
    assert "CI: no checks configured" in pull.body  # nothing to wait for
    assert f"/projects/{pid}/issues/{number})" in pull.body  # the link into MCC
    shown_cost = float(pull.body.split("Cost so far: $")[1].split()[0])
    assert 0 < shown_cost <= waiting["cost_usd"]
    assert waiting["pull_request"]["number"] == pull.number
    head = github.branch_sha(repo, pull.head)
    assert head == git(mcc.runtime.repos.origin(pid), "rev-parse", pull.head).strip()
    main_before = github.branch_sha(repo, "main")

    status, _ = await github.deliver(
        _hook_url(mcc),
        SECRET,
        "pull_request_review",
        _review(github, full, pull.number, "approved"),
    )
    assert status == 200
    done = await wait_for_phase(api, pid, number, "done", timeout_s=60)

    assert pull.merged and pull.state == "closed"
    main = github.branch_sha(repo, "main")
    parents = git(repo.bare, "rev-list", "--parents", "-n", "1", main).split()[1:]
    assert parents == [main_before, head]  # a merge commit of exactly the approved head
    assert done["pull_request"]["merge_sha"] == main
    assert git(mcc.runtime.repos.origin(pid), "rev-parse", "main").strip() == main
    assert "Say hello." in git(repo.bare, "show", "main:.mcc/specs/1.md")
    # GitHub shows what MCC did: one status comment, edited in place, and the phase's label.
    status_comments = [c for c in repo.issues[number].comments if "mcc:status" in c["body"]]
    assert len(status_comments) == 1 and "**done**" in status_comments[0]["body"]
    assert status_comments[0]["user"]["login"] == FakeGitHub.APP_LOGIN
    assert [x for x in repo.issues[number].labels if x.startswith("mcc")] == ["mcc", "mcc:done"]


async def test_changes_requested_on_github_sends_the_review_back_then_approval_merges(
    api, mcc: MccServer, fake: RunningFake, company
):
    company.rules.append(
        Rule(
            "coder",
            TaskKind.REWORK,
            [
                call("write_file", path="GREETING.md", content="HELLO!\n"),
                call("git_commit", message="Say it louder"),
                finish("louder"),
            ],
        )
    )
    github = fake.github
    project, full = await _register(api, github)
    pid = project["id"]
    number = await _labelled_issue(mcc, github, full)
    await wait_for_phase(api, pid, number, "awaiting_approval", timeout_s=60)
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    first_head = github.branch_sha(repo, pull.head)

    review = _review(github, full, pull.number, "changes_requested", "Say it louder.")
    status, _ = await github.deliver(_hook_url(mcc), SECRET, "pull_request_review", review)
    assert status == 200

    async def reworked() -> dict | None:
        issue = (await api.get(f"/api/projects/{pid}/issues/{number}")).json()
        back = issue["phase"] == "awaiting_approval" and issue["review_loops"] == 2
        return issue if back else None

    issue = await eventually(reworked, 60, "the rework to come back for approval")
    assert issue["rejections"] == 1
    assert github.branch_sha(repo, pull.head) != first_head  # the rework was pushed to the PR
    assert len(repo.pulls) == 1

    # A review of the old head is not a decision on the new one.
    stale = {**review, "review": {**review["review"], "state": "approved"}}
    status, _ = await github.deliver(_hook_url(mcc), SECRET, "pull_request_review", stale)
    assert status == 200
    assert "only on a review of the current head" in pull.reviews[-1]["body"]

    approved = _review(github, full, pull.number, "approved")
    await github.deliver(_hook_url(mcc), SECRET, "pull_request_review", approved)
    await wait_for_phase(api, pid, number, "done", timeout_s=60)
    assert pull.merged
    assert git(repo.bare, "show", "main:GREETING.md") == "HELLO!\n"
    # What MCC reread (the reviewer's permission, the pull request) came back as 304s.
    rereads = [p for m, p, status, _ in github.requests if status == 304]
    assert any(p.endswith("/collaborators/alice/permission") for p in rereads)


async def test_a_review_by_someone_without_write_access_decides_nothing(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full = await _register(api, github)
    number = await _labelled_issue(mcc, github, full)
    await wait_for_phase(api, project["id"], number, "awaiting_approval", timeout_s=60)
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    review = _review(github, full, pull.number, "approved")
    review["review"]["user"] = {"login": "mallory", "type": "User"}
    repo.permissions["mallory"] = "read"

    status, _ = await github.deliver(_hook_url(mcc), SECRET, "pull_request_review", review)
    assert status == 200
    issue = (await api.get(f"/api/projects/{project['id']}/issues/{number}")).json()
    assert issue["phase"] == "awaiting_approval" and not pull.merged


async def test_closing_the_issue_on_github_cancels_the_run_and_closes_the_pull_request(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full = await _register(api, github)
    number = await _labelled_issue(mcc, github, full)
    await wait_for_phase(api, project["id"], number, "awaiting_approval", timeout_s=60)
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    issue = repo.issues[number]
    issue.state = "closed"

    status, _ = await github.deliver(
        _hook_url(mcc),
        SECRET,
        "issues",
        {
            "action": "closed",
            "issue": github.issue_payload(repo, issue),
            "repository": github.repo_payload(repo),
        },
    )
    assert status == 200
    await wait_for_phase(api, project["id"], number, "cancelled", timeout_s=60)
    assert pull.state == "closed" and not pull.merged


# -- rate limits, tokens, a moved head ----------------------------------------------------


async def _awaiting(api, mcc: MccServer, github: FakeGitHub) -> tuple[dict, str, int]:
    project, full = await _register(api, github)
    number = await _labelled_issue(mcc, github, full)
    await wait_for_phase(api, project["id"], number, "awaiting_approval", timeout_s=60)
    return project, full, number


async def test_a_secondary_rate_limit_on_the_merge_waits_as_asked_then_merges(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full, number = await _awaiting(api, mcc, github)
    [pull] = github.repos[full].pulls.values()
    github.inject(403, {"Retry-After": "2"}, path_part=f"/pulls/{pull.number}/merge")

    await github.deliver(
        _hook_url(mcc),
        SECRET,
        "pull_request_review",
        _review(github, full, pull.number, "approved"),
    )
    await wait_for_phase(api, project["id"], number, "done", timeout_s=60)

    merges = [(status, at) for m, path, status, at in github.requests if path.endswith("/merge")]
    assert [status for status, _ in merges] == [403, 200]
    assert merges[1][1] - merges[0][1] >= 1.9  # Temporal waited what GitHub asked, no sooner
    assert pull.merged


async def test_a_revoked_personal_token_is_needs_attention_and_a_new_token_recovers(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    full = f"octo/pat-{uuid.uuid4().hex[:6]}"
    repo = github.add_repo(full)
    repo.permissions["alice"] = "write"
    created = await api.post(
        "/api/projects",
        json={"name": f"PAT {full}", "github": {"repo": full, "token": github.personal_token()}},
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    number = await _labelled_issue(mcc, github, full)
    await wait_for_phase(api, pid, number, "awaiting_approval", timeout_s=60)
    [pull] = repo.pulls.values()
    github.revoke_all_tokens()  # the person revoked the token on GitHub

    await decide(api, pid, number, "approve")
    stuck = await wait_for_phase(api, pid, number, "needs_attention", timeout_s=60)
    assert "GitHub refused MCC's credentials" in stuck["error"]
    refused = len([s for _, _, s, _ in github.requests if s == 401])
    await asyncio.sleep(2)
    assert len([s for _, _, s, _ in github.requests if s == 401]) == refused  # no retry loop
    # The owner is told what GitHub refused, once however many steps met the refusal.
    notes = (await api.get("/api/notifications")).json()["items"]
    problems = [n for n in notes if n["kind"] == "github_problem"]
    assert len(problems) == 1, problems
    assert f"access to {full} is refused" in problems[0]["title"]
    assert "new personal token" in problems[0]["message"]
    assert not pull.merged

    updated = await api.patch(f"/api/projects/{pid}", json={"forge_token": github.personal_token()})
    assert updated.status_code == 200, updated.text
    retried = await api.post(f"/api/projects/{pid}/issues/{number}/retry")
    assert retried.status_code == 202, retried.text
    await wait_for_phase(api, pid, number, "done", timeout_s=60)
    assert pull.merged


async def test_installation_tokens_near_their_end_are_replaced_during_a_run(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    github.token_lifetime = timedelta(minutes=4)  # always inside MCC's 5-minute margin
    project, full, number = await _awaiting(api, mcc, github)
    [pull] = github.repos[full].pulls.values()
    await github.deliver(
        _hook_url(mcc),
        SECRET,
        "pull_request_review",
        _review(github, full, pull.number, "approved"),
    )
    await wait_for_phase(api, project["id"], number, "done", timeout_s=60)
    assert pull.merged and github.tokens_issued > 3
    assert not [s for _, _, s, _ in github.requests if s == 401]


async def test_the_merge_is_refused_when_the_head_moved_on_github(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full, number = await _awaiting(api, mcc, github)
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    head = github.branch_sha(repo, pull.head)
    tree = git(repo.bare, "rev-parse", f"{head}^{{tree}}").strip()
    moved = git(repo.bare, "commit-tree", tree, "-p", head, "-m", "pushed by someone").strip()
    git(repo.bare, "update-ref", f"refs/heads/{pull.head}", moved)

    await decide(api, project["id"], number, "approve")
    stuck = await wait_for_phase(api, project["id"], number, "needs_attention", timeout_s=60)
    assert "Head branch was modified" in stuck["error"]
    assert not pull.merged


async def test_a_cancel_command_from_a_writer_cancels_and_one_from_a_reader_does_not(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full, number = await _awaiting(api, mcc, github)
    repo = github.repos[full]
    repo.permissions["mallory"] = "read"

    def comment(login: str) -> dict:
        return {
            "action": "created",
            "comment": {"id": 9, "body": "/cancel", "user": {"login": login, "type": "User"}},
            "issue": github.issue_payload(repo, repo.issues[number]),
            "repository": github.repo_payload(repo),
        }

    await github.deliver(_hook_url(mcc), SECRET, "issue_comment", comment("mallory"))
    issue = (await api.get(f"/api/projects/{project['id']}/issues/{number}")).json()
    assert issue["phase"] == "awaiting_approval"

    await github.deliver(_hook_url(mcc), SECRET, "issue_comment", comment("alice"))
    await wait_for_phase(api, project["id"], number, "cancelled", timeout_s=60)
    [pull] = repo.pulls.values()
    assert pull.state == "closed" and not pull.merged


async def test_a_pull_request_closed_by_a_person_cancels_the_run(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full, number = await _awaiting(api, mcc, github)
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    pull.state = "closed"
    payload = {
        "action": "closed",
        "pull_request": github.pull_payload(repo, pull),
        "repository": github.repo_payload(repo),
    }
    status, _ = await github.deliver(_hook_url(mcc), SECRET, "pull_request", payload)
    assert status == 200
    await wait_for_phase(api, project["id"], number, "cancelled", timeout_s=60)


async def test_a_delivery_mcc_could_not_act_on_is_acted_on_when_github_redelivers_it(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full = await _register(api, github)
    repo = github.repos[full]
    repo.permissions["alice"] = "write"
    issue = github.open_issue(repo, "Greet people", "Say hello.", ["mcc"])
    payload = {
        "action": "labeled",
        "issue": github.issue_payload(repo, issue),
        "repository": github.repo_payload(repo),
    }
    client = mcc.temporal._client
    mcc.temporal._client = None  # Temporal unreachable while the delivery arrives
    try:
        status, _ = await github.deliver(_hook_url(mcc), SECRET, "issues", payload, delivery="r-1")
    finally:
        mcc.temporal._client = client
    assert status == 503
    assert await _count(mcc, WebhookDelivery) == 0  # not claimed: a redelivery will count

    for _ in range(3):  # GitHub's redelivery, then duplicates of it
        status, _ = await github.deliver(_hook_url(mcc), SECRET, "issues", payload, delivery="r-1")
        assert status == 200
    await wait_for_phase(api, project["id"], issue.number, "awaiting_approval", timeout_s=60)
    assert len(repo.pulls) == 1
    assert await _count(mcc, WebhookDelivery) == 1


async def test_an_installation_token_revoked_early_is_replaced_and_the_merge_goes_through(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full, number = await _awaiting(api, mcc, github)
    [pull] = github.repos[full].pulls.values()
    issued = github.tokens_issued
    github.revoke_all_tokens()  # GitHub revokes installation tokens e.g. on a permission change

    await decide(api, project["id"], number, "approve")
    await wait_for_phase(api, project["id"], number, "done", timeout_s=60)
    assert pull.merged and github.tokens_issued == issued + 1


async def test_a_writers_comment_reaches_the_agents_at_work_once(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full, number = await _awaiting(api, mcc, github)
    repo = github.repos[full]
    repo.permissions["mallory"] = "read"
    workflow_id = f"issue/{project['slug']}/{number}"
    async with mcc.runtime.db.sessions() as session:  # an agent at work on the issue
        at_work = Conversation(
            project_id=project["id"], kind="task", title="Task 2", run_id=f"{workflow_id}/coder_1/x"
        )
        session.add(at_work)
        await session.commit()
        conversation_id = at_work.id

    def comment(login: str, comment_id: int, body: str) -> dict:
        return {
            "action": "created",
            "comment": {"id": comment_id, "body": body, "user": {"login": login, "type": "User"}},
            "issue": github.issue_payload(repo, repo.issues[number]),
            "repository": github.repo_payload(repo),
        }

    hook = _hook_url(mcc)
    await github.deliver(
        hook, SECRET, "issue_comment", comment("alice", 5, "Use British spelling.")
    )
    await github.deliver(hook, SECRET, "issue_comment", comment("mallory", 6, "Delete everything."))

    async with mcc.runtime.db.sessions() as session:
        contents = list(
            await session.scalars(
                select(Message.content).where(Message.conversation_id == conversation_id)
            )
        )
    assert contents == ["@alice on GitHub: Use British spelling."]


async def test_a_push_to_the_default_branch_refreshes_the_mirror(
    api, mcc: MccServer, fake: RunningFake
):
    github = fake.github
    project, full = await _register(api, github)
    repo = github.repos[full]
    main = github.branch_sha(repo, "main")
    tree = git(repo.bare, "rev-parse", f"{main}^{{tree}}").strip()
    pushed = git(repo.bare, "commit-tree", tree, "-p", main, "-m", "pushed on GitHub").strip()
    git(repo.bare, "update-ref", "refs/heads/main", pushed)
    payload = {"ref": "refs/heads/main", "after": pushed, "repository": github.repo_payload(repo)}

    status, seconds = await github.deliver(_hook_url(mcc), SECRET, "push", payload)
    assert status == 200 and seconds < GITHUB_WAITS_S
    origin = mcc.runtime.repos.origin(project["id"])

    async def refreshed() -> bool:
        return git(origin, "rev-parse", "main").strip() == pushed

    await eventually(refreshed, 10, "the mirror to have the pushed commit")


@pytest.mark.parametrize("limit", [5])
async def test_a_burst_of_deliveries_is_not_rate_limited_like_the_api(
    tmp_path, database_url, temporal_address, llm, fake: RunningFake, app_key, limit
):
    settings = local_settings(
        tmp_path / "burst",
        database_url,
        temporal_address,
        "mcc-burst",
        llm_base_url=llm.base_url,
        github_webhook_secret=SecretStr(SECRET),
        github_api_url=fake.url,
        rate_limit_per_minute=limit,
    )
    server = MccServer(settings, worker=False)
    await server.start()
    try:
        answers = [
            await fake.github.deliver(_hook_url(server), SECRET, "ping", {"zen": str(i)})
            for i in range(limit * 3)
        ]
    finally:
        await server.stop()
    assert [status for status, _ in answers] == [200] * (limit * 3)


# -- the repository's own CI --------------------------------------------------------------


async def _waiting_for_ci(
    api, github: FakeGitHub, full: str, pid: int, number: int, after: str | None = None
) -> str:
    """The run reads CI on the pull request's current head (another than `after`) and
    waits: that head."""
    repo = github.repos[full]

    async def reading() -> str | None:
        if not repo.pulls:
            return None
        [pull] = repo.pulls.values()
        head = github.branch_sha(repo, pull.head)
        if head == after:
            return None
        read = any(p.endswith(f"/commits/{head}/check-runs") for _, p, _, _ in github.requests)
        issue = (await api.get(f"/api/projects/{pid}/issues/{number}")).json()
        return head if read and issue["phase"] == "testing" else None

    return await eventually(reading, 60, "the run to wait for CI on the pull request's head")


_FAILURE = "E   AssertionError: 'Hello' != 'Hello, world'"


async def test_a_failing_check_goes_back_to_a_coder_and_approval_is_asked_when_green(
    api, mcc: MccServer, fake: RunningFake, company
):
    company.rules.append(
        Rule(
            "coder",
            TaskKind.CI,
            [
                call("write_file", path="GREETING.md", content="Hello, world\n"),
                call("git_commit", message="Greet the whole world, as the build expects"),
                finish("fixed the build"),
            ],
        )
    )
    github = fake.github
    project, full = await _register(api, github)
    pid = project["id"]
    repo = github.repos[full]
    repo.ci_on_push = ["build"]  # every push starts a build, as a workflow on `push` does
    number = await _labelled_issue(mcc, github, full)

    first = await _waiting_for_ci(api, github, full, pid, number)
    failed = github.add_check_run(
        repo,
        first,
        "build",
        conclusion="failure",
        output={"title": "1 test failed", "summary": "Process completed with exit code 1."},
        log="".join(
            f"2026-12-06T08:00:{i:02d}.0000000Z {line}\n"
            for i, line in enumerate(
                ["##[group]Run pytest", *(f"collecting {n}" for n in range(40)), _FAILURE]
            )
        ),
    )
    status, _ = await github.deliver(
        _hook_url(mcc), SECRET, "check_run", github.check_run_payload(repo, failed)
    )
    assert status == 200

    # The coder is told which check failed and what it said, and pushes a fix.
    second = await _waiting_for_ci(api, github, full, pid, number, after=first)
    async with mcc.runtime.db.sessions() as session:
        briefs = list(
            await session.scalars(select(Message.content).where(Message.content.like("[ci]%")))
        )
    assert len(briefs) == 1
    assert "build" in briefs[0] and "1 test failed" in briefs[0]
    assert f"\n{_FAILURE}" in briefs[0]  # the end of the job's log, without its timestamps
    assert github.log_downloads == [None]  # MCC's token stays with GitHub, not the storage
    issue = (await api.get(f"/api/projects/{pid}/issues/{number}")).json()
    assert issue["phase"] == "testing"  # no approval asked while the build runs

    green = github.add_check_run(repo, second, "build", conclusion="success")
    lint = github.add_status(repo, second, "ci/lint", "success", "lint passed")
    await github.deliver(_hook_url(mcc), SECRET, "check_run", github.check_run_payload(repo, green))
    await github.deliver(_hook_url(mcc), SECRET, "status", github.status_payload(repo, lint))
    waiting = await wait_for_phase(api, pid, number, "awaiting_approval", timeout_s=60)

    assert waiting["pull_request"]["ci_state"] == "success"
    [pull] = repo.pulls.values()
    assert github.branch_sha(repo, pull.head) == second
    assert "## CI\n\nCI: passed (2 of 2 checks green)" in pull.body
    shown = [c for c in repo.issues[number].comments if "mcc:status" in c["body"]]
    assert "CI: passed (2 of 2 checks green)" in shown[0]["body"]
    notes = (await api.get("/api/notifications")).json()["items"]
    asked = [n for n in notes if n["kind"] == "approval_needed"]
    assert len(asked) == 1 and "CI: passed (2 of 2 checks green)" in asked[0]["message"]


@pytest.mark.ci_poll_seconds(1)
async def test_without_check_events_the_run_rereads_ci_conditionally_until_green(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full = await _register(api, github)
    pid = project["id"]
    repo = github.repos[full]
    repo.ci_on_push = ["build"]
    number = await _labelled_issue(mcc, github, full)
    head = await _waiting_for_ci(api, github, full, pid, number)

    async def reread_unchanged() -> bool:
        path = f"/commits/{head}/check-runs"
        return any(p.endswith(path) and s == 304 for _, p, s, _ in github.requests)

    await eventually(reread_unchanged, 10, "a conditional reread answered 304")
    github.add_check_run(repo, head, "build", conclusion="success")  # no event is sent
    await wait_for_phase(api, pid, number, "awaiting_approval", timeout_s=30)


async def test_a_project_set_to_ignore_ci_asks_for_approval_while_checks_run(
    api, mcc: MccServer, fake: RunningFake, company
):
    github = fake.github
    project, full = await _register(api, github)
    pid = project["id"]
    updated = await api.patch(f"/api/projects/{pid}", json={"ignore_ci": True})
    assert updated.status_code == 200 and updated.json()["ignore_ci"] is True
    repo = github.repos[full]
    repo.ci_on_push = ["build"]  # never finishes
    number = await _labelled_issue(mcc, github, full)

    await wait_for_phase(api, pid, number, "awaiting_approval", timeout_s=60)
    [pull] = repo.pulls.values()
    assert "CI: ignored" in pull.body
    async with mcc.runtime.db.sessions() as session:
        row = await session.scalar(select(PullRequest).where(PullRequest.project_id == pid))
        assert row is not None and row.ci_state == "ignored"


# -- the App's own bot and its installation ---------------------------------------------


async def test_an_issue_assigned_to_the_apps_own_bot_starts_a_run_and_to_another_bot_not(
    api, mcc: MccServer, fake: RunningFake
):
    github = fake.github
    project, full = await _register(api, github)
    repo = github.repos[full]

    async def assign(login: str) -> int:
        issue = github.open_issue(repo, f"For {login}", "Do it.", [])
        payload = {
            "action": "assigned",
            "assignee": {"login": login, "type": "Bot"},
            "issue": {
                **github.issue_payload(repo, issue),
                "assignees": [{"login": login, "type": "Bot"}],
            },
            "repository": github.repo_payload(repo),
        }
        status, _ = await github.deliver(_hook_url(mcc), SECRET, "issues", payload)
        assert status == 200
        return issue.number

    other = await assign("dependabot[bot]")
    ours = await assign(FakeGitHub.APP_LOGIN)

    issues = (await api.get(f"/api/projects/{project['id']}/issues")).json()
    assert [i["number"] for i in issues] == [ours] and other != ours
    assert [p for m, p, _, _ in github.requests if p == "/app"] == ["/app"]  # asked once


async def test_installation_events_move_projects_and_a_lost_repository_tells_the_owner(
    api, mcc: MccServer, fake: RunningFake
):
    github = fake.github
    project, full = await _register(api, github)  # installation 77
    github.repos[full].installation_id = 78
    added = {
        "action": "added",
        "installation": {"id": 78},
        "repositories_added": [{"full_name": full}],
        "repositories_removed": [],
    }
    status, _ = await github.deliver(_hook_url(mcc), SECRET, "installation_repositories", added)
    assert status == 200
    async with mcc.runtime.db.sessions() as session:
        row = await session.get(Project, project["id"])
        assert row is not None and row.github_installation_id == 78

    removed = {
        "action": "removed",
        "installation": {"id": 78},
        "repositories_added": [],
        "repositories_removed": [{"full_name": full}],
    }
    for _ in range(2):  # a second delivery of the same news tells nothing new
        status, _ = await github.deliver(
            _hook_url(mcc), SECRET, "installation_repositories", removed
        )
        assert status == 200
    notes = (await api.get("/api/notifications")).json()["items"]
    problems = [n for n in notes if n["kind"] == "github_problem"]
    assert len(problems) == 1
    assert "no longer has access" in problems[0]["message"] and full in problems[0]["message"]
    assert problems[0]["link"] == f"/projects/{project['id']}"


async def test_a_redelivery_after_the_api_was_down_finds_the_one_run_and_its_pull_request(
    api, mcc: MccServer, settings: Settings, fake: RunningFake, company, temporal_client
):
    """The API process that took the delivery stops; GitHub's redelivery (same GUID) and a
    second event for the issue reach a restarted API: still one run, one pull request."""
    github = fake.github
    project, full = await _register(api, github)
    repo = github.repos[full]
    repo.permissions["alice"] = "write"
    issue = github.open_issue(repo, "Greet people", "Say hello.", ["mcc"])
    payload = _issue_event(github, full, issue.number, "labeled")
    first = MccServer(settings, worker=False)  # an API process (the worker runs in `mcc`)
    await first.start()
    hook = _hook_url(first)
    try:
        status, _ = await github.deliver(hook, SECRET, "issues", payload, delivery="down-1")
        assert status == 200
    finally:
        await first.stop()
    with pytest.raises(aiohttp.ClientConnectionError):  # MCC is down: GitHub records a failure
        await github.deliver(hook, SECRET, "issues", payload, delivery="down-1")

    restarted = MccServer(settings, worker=False)
    await restarted.start()
    try:
        answers = [
            await github.deliver(_hook_url(restarted), SECRET, "issues", payload, delivery=d)
            for d in ("down-1", "down-1", "down-2")  # redeliveries, then the label set again
        ]
        assert [status for status, _ in answers] == [200, 200, 200]
    finally:
        await restarted.stop()

    await wait_for_phase(api, project["id"], issue.number, "awaiting_approval", timeout_s=60)
    assert len(repo.pulls) == 1
    assert await _count(mcc, WebhookDelivery) == 2  # down-1 and down-2, each claimed once
    runs = [
        r
        async for r in temporal_client.list_workflows(
            f"WorkflowId = 'issue/{project['slug']}/{issue.number}'"
        )
    ]
    assert len(runs) == 1


async def test_a_delivery_whose_handling_was_cut_off_is_acted_on_when_redelivered(
    api, mcc: MccServer, fake: RunningFake, temporal_client
):
    """The API died between claiming a delivery and acting on it: GitHub's redelivery
    starts the run; a claim still being handled elsewhere stays a duplicate."""
    github = fake.github
    project, full = await _register(api, github)
    repo = github.repos[full]
    issue = github.open_issue(repo, "Greet people", "Say hello.", ["mcc"])
    payload = _issue_event(github, full, issue.number, "labeled")
    async with mcc.runtime.db.sessions() as session:
        session.add_all(
            [  # claimed two minutes ago by a process that died; claimed just now elsewhere
                WebhookDelivery(
                    source="github",
                    delivery_id="cut-off",
                    event="issues",
                    received_at=utcnow() - timedelta(minutes=2),
                ),
                WebhookDelivery(source="github", delivery_id="in-flight", event="issues"),
            ]
        )
        await session.commit()

    hook = _hook_url(mcc)
    status, _ = await github.deliver(hook, SECRET, "issues", payload, delivery="in-flight")
    assert status == 200
    issues = (await api.get(f"/api/projects/{project['id']}/issues")).json()
    assert issues == []  # the other process is handling it

    for _ in range(2):
        status, _ = await github.deliver(hook, SECRET, "issues", payload, delivery="cut-off")
        assert status == 200
    issues = (await api.get(f"/api/projects/{project['id']}/issues")).json()
    assert [i["number"] for i in issues] == [issue.number]
    runs = [
        r
        async for r in temporal_client.list_workflows(
            f"WorkflowId = 'issue/{project['slug']}/{issue.number}'"
        )
    ]
    assert len(runs) == 1
    async with mcc.runtime.db.sessions() as session:
        row = await session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.delivery_id == "cut-off")
        )
        assert row is not None and row.handled_at is not None


# -- issues filed in MCC ------------------------------------------------------------------


def _issues_opened(github: FakeGitHub, full: str) -> int:
    return sum(1 for m, p, _, _ in github.requests if (m, p) == ("POST", f"/repos/{full}/issues"))


async def test_an_issue_filed_in_mcc_is_opened_on_github_under_githubs_number(
    api, mcc: MccServer, fake: RunningFake, temporal_client
):
    github = fake.github
    project, full = await _register(api, github)
    # GitHub's issue #1 reached MCC first: MCC's own counter would have said #1 again.
    first = await _labelled_issue(mcc, github, full)

    response = await api.post(
        f"/api/projects/{project['id']}/issues",
        json={"title": "Add a farewell", "body": "Say goodbye."},
    )

    assert response.status_code == 201, response.text
    filed = response.json()
    number = filed["number"]
    on_github = github.repos[full].issues[number]
    assert number == first + 1
    assert (on_github.title, on_github.body) == ("Add a farewell", "Say goodbye.")
    assert "mcc" in on_github.labels and on_github.user == FakeGitHub.APP_LOGIN
    assert filed["workflow_id"] == f"issue/{project['slug']}/{number}"
    # GitHub then delivers the issue it opened: the same issue, the same run.
    for action in ("opened", "labeled"):
        event = _issue_event(github, full, number, action)
        status, _ = await github.deliver(_hook_url(mcc), SECRET, "issues", event)
        assert status == 200
    issues = (await api.get(f"/api/projects/{project['id']}/issues")).json()
    assert sorted(i["number"] for i in issues) == [first, number]
    runs = [
        r async for r in temporal_client.list_workflows(f"WorkflowId = '{filed['workflow_id']}'")
    ]
    assert len(runs) == 1
    assert _issues_opened(github, full) == 1


async def test_a_retried_tool_call_opens_one_github_issue_when_its_delivery_came_first(
    api, mcc: MccServer, fake: RunningFake
):
    github = fake.github
    project, full = await _register(api, github)
    key = "orchestrator/9/turn/1/tool/0/0"
    forge = mcc.runtime.forge
    # The first attempt opened the issue on GitHub and was cut off before storing it;
    # GitHub's delivery of it stored it meanwhile.
    number = await forge.open_issue(project["id"], "Add a farewell", "Say goodbye.", key)
    event = _issue_event(github, full, number, "opened")
    status, _ = await github.deliver(_hook_url(mcc), SECRET, "issues", event)
    assert status == 200

    async with mcc.runtime.db.sessions() as session:
        row = await session.get(Project, project["id"])
        assert row is not None
        issue, stored = await file_issue(session, forge, row, "Add a farewell", "Say goodbye.", key)
        again, stored_again = await file_issue(session, forge, row, "Add a farewell", "", key)

    assert issue.number == again.number == number and (stored, stored_again) == (False, False)
    assert issue.body == "Say goodbye."  # MCC's hidden marker is not the person's text
    assert list(github.repos[full].issues) == [number]
    assert _issues_opened(github, full) == 1
    assert await _count(mcc, Issue) == 1


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [(404, 404, "forge_repo_not_found"), (502, 503, "service_unavailable")],
)
async def test_github_refusing_a_new_issue_is_a_clear_error_and_nothing_is_stored(
    api, mcc: MccServer, fake: RunningFake, answer: int, status: int, code: str
):
    github = fake.github
    project, full = await _register(api, github)
    github.inject(answer, {}, f"/repos/{full}/issues")

    response = await api.post(
        f"/api/projects/{project['id']}/issues", json={"title": "Add a farewell", "body": ""}
    )

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and f"opening an issue on {full}" in error["message"]
    assert await _count(mcc, Issue) == 0 and not github.repos[full].issues


# -- rule files -------------------------------------------------------------------------


async def test_create_rules_files_on_a_github_project_opens_one_pull_request(
    api, mcc: MccServer, fake: RunningFake
):
    github = fake.github
    project, full = await _register(api, github)
    url = f"/api/projects/{project['id']}/rules-files"

    first = await api.post(url)

    assert first.status_code == 201, first.text
    body = first.json()
    repo = github.repos[full]
    [pull] = repo.pulls.values()
    assert (pull.head, pull.base, pull.state) == ("mcc/rules-files", "main", "open")
    assert body["pull_request_url"] == f"{github.url}/{full}/pull/{pull.number}"
    assert body["review_ref"] is None and len(body["files"]) == 6
    # The branch GitHub shows is the one MCC committed, templates and all.
    assert github.branch_sha(repo, "mcc/rules-files") == body["commit"]
    assert "How to run the tests" in git(repo.bare, "show", "mcc/rules-files:.mcc/AGENTS.md")

    again = await api.post(url)

    assert again.status_code == 201, again.text
    assert again.json()["files"] == [] and again.json()["commit"] is None
    assert again.json()["pull_request_url"] == body["pull_request_url"]
    assert list(repo.pulls) == [pull.number]  # found again, not opened twice


async def test_github_refusing_the_rules_pull_request_is_a_clear_error(api, fake: RunningFake):
    github = fake.github
    project, full = await _register(api, github)
    github.inject(502, {}, f"/repos/{full}/pulls")

    response = await api.post(f"/api/projects/{project['id']}/rules-files")

    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert f"reading the pull requests of {full}" in error["message"]
    assert not github.repos[full].pulls
