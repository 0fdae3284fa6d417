"""Notifications reach the person once, in the app and on Telegram (a fake Bot API
started by the test): every kind, 429s, long texts, HTML, blocked chats, linking."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from mcc.budget.alerts import Alert, store_alerts
from mcc.budget.auto_pause import critical_reason
from mcc.budget.pause import pause_state, set_paused
from mcc.budget.store import BudgetStore
from mcc.db.base import utcnow
from mcc.events import RecordedEvents, user_room
from mcc.llm.errors import LLMAuthError, LLMBadRequest
from mcc.llm.gateway import GatewayCall
from mcc.llm.types import ChatMessage
from mcc.models.issue import Issue
from mcc.models.notification import Notification as NotificationRow
from mcc.models.notification_channel import NotificationDelivery
from mcc.models.token_usage import TokenUsage
from mcc.notifications import Channel, Decision, Kind, Notification
from mcc.notifications.preferences import set_preferences
from mcc.notifications.runs import phase_notification, record_progress
from mcc.notifications.system import github_problem, pause_notification
from mcc.notifications.telegram.links import link_of, new_link_code
from mcc.notifications.telegram.poller import TelegramPoller
from mcc.notifications.telegram.updates import TelegramUpdates
from mcc.notifications.watchdog import check_stalls
from mcc.phases import Phase
from mcc.runtime import Runtime
from tests.fakes.llm_server import Reply, ScriptedLLMServer
from tests.fakes.telegram_server import FakeTelegram, telegram_server
from tests.support.owners import owner_with_project
from tests.support.settings import local_settings

CHAT = 777001


@dataclass
class Decisions:
    """Stands in for the run's decision code: records what a press decided."""

    made: list[tuple[int, Decision, bool]] = field(default_factory=list)

    async def __call__(self, owner_id: int, decision: Decision, approve: bool) -> None:
        self.made.append((owner_id, decision, approve))


@dataclass
class Harness:
    runtime: Runtime
    events: RecordedEvents
    telegram: FakeTelegram
    poller: TelegramPoller
    decisions: Decisions
    owner_id: int
    project_id: int

    async def link(self, chat_id: int = CHAT) -> None:
        async with self.runtime.db.sessions() as session:
            code = await new_link_code(session, self.owner_id, timedelta(minutes=5))
        self.telegram.user_says(chat_id, f"/start {code.code}")
        await self.poller.poll_once()

    async def rows(self) -> list[NotificationRow]:
        async with self.runtime.db.sessions() as session:
            return list(await session.scalars(select(NotificationRow).order_by(NotificationRow.id)))

    def in_app(self) -> list[dict]:
        return [
            data
            for event, data, room in self.events.events
            if event == "notification" and room == user_room(self.owner_id)
        ]


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with telegram_server() as fake:
        yield fake


@pytest.fixture
async def harness(
    tmp_path: Path, database_url: str, telegram: FakeTelegram, llm: ScriptedLLMServer
) -> AsyncIterator[Harness]:
    settings = local_settings(
        tmp_path / "data",
        database_url,
        "127.0.0.1:1",
        "notify",
        telegram_api_url=telegram.api_url,
        telegram_bot_token=telegram.token,
        telegram_poll_seconds=0,
        telegram_per_chat_interval_s=0.05,
        llm_base_url=llm.base_url,
        budget_default_daily_usd=Decimal(1),
    )
    events = RecordedEvents()
    runtime = Runtime.build(settings, events)
    async with runtime.db.sessions() as session:
        owner_id, project_id = await owner_with_project(session, "n@example.com", "Notify")
        await session.commit()
    decisions = Decisions()
    poller = TelegramPoller(runtime.db, runtime.telegram, TelegramUpdates(runtime.db, decisions), 0)
    try:
        yield Harness(runtime, events, telegram, poller, decisions, owner_id, project_id)
    finally:
        await runtime.close()


async def _issue(
    h: Harness, number: int, phase: str, title: str = "Add login", gate: str | None = None
) -> Issue:
    async with h.runtime.db.sessions() as session:
        issue = Issue(
            project_id=h.project_id,
            number=number,
            title=title,
            body="",
            phase=phase,
            state="open",
            workflow_id=f"issue/notify/{number}",
            gate=gate,
        )
        session.add(issue)
        await session.commit()
        await session.refresh(issue)
        return issue


async def _every_kind(h: Harness) -> list[Notification]:
    issue = await _issue(h, 1, "awaiting_approval")
    async with h.runtime.db.sessions() as session:
        notes = [
            await phase_notification(session, issue, phase, f"{phase.value}:run:1", reason="boom")
            for phase in (
                Phase.AWAITING_APPROVAL,
                Phase.NEEDS_ATTENTION,
                Phase.DONE,
                Phase.FAILED,
                Phase.CANCELLED,
            )
        ]
    now = utcnow()
    built = [n for n in notes if n is not None]
    built += [
        pause_notification(True, now, "spend spike"),
        pause_notification(False, now, None),
        github_problem("token expired", "Renew the token.", key="token:1:2026-12-06"),
        Notification(Kind.STALLED, "stalled:x", "#1 made no progress for 15 minutes"),
    ]
    return built


async def test_every_kind_lands_once_in_the_app_and_once_on_telegram(harness: Harness):
    await harness.link()
    notes = await _every_kind(harness)
    for note in notes:
        await harness.runtime.notifications.notify(harness.owner_id, note)
    for note in notes:  # a retried step or a replayed run notifies again: nothing new
        await harness.runtime.notifications.notify(harness.owner_id, note)

    # Budget alerts are stored with their ledger row, then delivered by the same path.
    alert = Alert(
        owner_id=harness.owner_id,
        level="warning",
        scope="global",
        level_key="global",
        project_id=None,
        agent=None,
        day=utcnow().date(),
        current=Decimal(8),
        limit=Decimal(10),
        reason="threshold",
    )
    async with harness.runtime.db.engine.begin() as conn:
        await store_alerts(conn, [alert], utcnow())
    for _ in range(2):
        await harness.runtime.notifications.deliver_stored(harness.owner_id, alert.dedupe_key)

    kinds = sorted(row.kind for row in await harness.rows())
    expected = sorted([*(note.kind.value for note in notes), Kind.BUDGET_ALERT.value])
    assert kinds == expected
    assert set(kinds) == {kind.value for kind in Kind}
    assert sorted(event["kind"] for event in harness.in_app()) == expected
    on_phone = harness.telegram.messages_to(CHAT)[1:]  # after "Linked"
    assert len(on_phone) == len(expected)
    assert any("at 80%" in m.text for m in on_phone)
    approval = next(m for m in on_phone if "ready to merge" in m.text)
    assert "cost so far $0.00" in approval.text
    buttons = approval.reply_markup["inline_keyboard"][0]
    assert [b["text"] for b in buttons] == ["✅ Approve", "❌ Reject"]
    attention = next(m for m in on_phone if "needs your attention" in m.text)
    assert "boom" in attention.text


async def test_a_budget_alert_from_an_llm_call_reaches_the_phone_once(
    harness: Harness, llm: ScriptedLLMServer
):
    await harness.link()
    llm.script(Reply(content="ok", cost=0.85), Reply(content="ok", cost=0.01))
    for key in ("call/1", "call/2", "call/1"):  # the last one replays the first
        await harness.runtime.gateway.call(
            GatewayCall(
                owner_id=harness.owner_id,
                model="test/model",
                messages=[ChatMessage.user("hi")],
                max_tokens=5,
                idempotency_key=key,
            )
        )
    alerts = [row for row in await harness.rows() if row.kind == "budget_alert"]
    assert [(row.level, row.payload["title"]) for row in alerts] == [
        ("warning", "The daily budget is at 85%")
    ]
    phone = [m.text for m in harness.telegram.messages_to(CHAT) if "budget" in m.text]
    assert phone == ["<b>⚠️ The daily budget is at 85%</b>\n$0.85 of $1.00 spent today."]
    assert [e["kind"] for e in harness.in_app()] == ["budget_alert"]


async def test_a_429_is_waited_out_and_the_message_arrives_once(harness: Harness):
    await harness.link()
    harness.telegram.rate_limit_next(1, retry_after=1)
    await harness.runtime.notifications.notify(
        harness.owner_id, Notification(Kind.MERGED, "merged:1", "#1 was merged")
    )
    sent = [m for m in harness.telegram.messages_to(CHAT) if "merged" in m.text]
    assert len(sent) == 1
    assert sent[0].at - harness.telegram.rejected_429[0] >= 0.95


async def test_a_long_message_is_split_under_4096_characters(harness: Harness):
    await harness.link()
    body = "\n".join(f"line {n}: " + "x<&>" * 30 for n in range(200))
    await harness.runtime.notifications.notify(
        harness.owner_id, Notification(Kind.FAILED, "failed:long", "Long failure", body)
    )
    parts = harness.telegram.messages_to(CHAT)[1:]
    assert len(parts) > 1
    assert all(len(part.text) <= 4096 for part in parts)
    joined = unescape("\n".join(part.text for part in parts))
    assert joined.replace("<b>⚠️ Long failure</b>\n", "") == body


async def test_html_special_characters_are_escaped(harness: Harness):
    await harness.link()
    await harness.runtime.notifications.notify(
        harness.owner_id,
        Notification(Kind.NEEDS_ATTENTION, "na:html", "<b>bold</b> & co", 'a "quote" <script>'),
    )
    [text] = [m.text for m in harness.telegram.messages_to(CHAT)[1:]]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in text
    assert "&lt;script&gt;" in text and "<script>" not in text


async def test_a_blocked_chat_is_shown_and_not_retried(harness: Harness):
    await harness.link()
    harness.telegram.block(CHAT)
    notify = harness.runtime.notifications.notify
    await notify(harness.owner_id, Notification(Kind.MERGED, "m:1", "#1 was merged"))
    await notify(harness.owner_id, Notification(Kind.MERGED, "m:2", "#2 was merged"))
    await notify(harness.owner_id, Notification(Kind.MERGED, "m:1", "#1 was merged"))

    assert harness.telegram.refused_403 == [CHAT]  # tried once, then known blocked
    async with harness.runtime.db.sessions() as session:
        link = await link_of(session, harness.owner_id)
        states = list(
            await session.scalars(
                select(NotificationDelivery.state).where(
                    NotificationDelivery.channel == Channel.TELEGRAM.value
                )
            )
        )
    assert link is not None and link.state == "blocked" and "blocked" in (link.detail or "")
    assert states == ["blocked", "blocked"]
    assert len(harness.in_app()) == 2  # the app still hears everything


async def test_polling_again_deletes_the_webhook_and_keeps_its_pending_updates(
    harness: Harness,
):
    # An earlier run in webhook mode left its webhook, and a /start nobody took yet.
    api = await harness.runtime.telegram.api()
    assert api is not None
    await api.set_webhook("http://127.0.0.1:9/api/webhooks/telegram", "gone")
    async with harness.runtime.db.sessions() as session:
        code = await new_link_code(session, harness.owner_id, timedelta(minutes=5))
    harness.telegram.user_says(CHAT, f"/start {code.code}")

    assert await harness.poller.poll_once() == 1

    assert harness.telegram.webhook is None
    assert harness.telegram.methods[1:3] == ["deleteWebhook", "getUpdates"]
    async with harness.runtime.db.sessions() as session:
        link = await link_of(session, harness.owner_id)
    assert link is not None and link.state == "linked"


async def test_a_chat_is_linked_by_a_one_time_code(harness: Harness):
    async with harness.runtime.db.sessions() as session:
        code = await new_link_code(session, harness.owner_id, timedelta(minutes=5))
        expired = await new_link_code(
            session, harness.owner_id, timedelta(minutes=5), now=utcnow() - timedelta(minutes=6)
        )
    harness.telegram.user_says(CHAT, f"/start {expired.code}")
    await harness.poller.poll_once()
    async with harness.runtime.db.sessions() as session:
        assert await link_of(session, harness.owner_id) is None
        code = await new_link_code(session, harness.owner_id, timedelta(minutes=5))

    harness.telegram.user_says(CHAT, f"/start {code.code}")
    harness.telegram.user_says(CHAT + 1, f"/start {code.code}")  # single use
    assert await harness.poller.poll_once() == 2
    assert await harness.poller.poll_once() == 0  # the offset moved past them
    async with harness.runtime.db.sessions() as session:
        link = await link_of(session, harness.owner_id)
    assert link is not None and link.chat_id == CHAT and link.state == "linked"
    replies = [(m.chat_id, m.text) for m in harness.telegram.sent]
    assert replies[0][0] == CHAT and "expired" in replies[0][1]
    assert replies[1] == (CHAT, "Linked: MCC will tell you here what needs you.")
    assert replies[2][0] == CHAT + 1 and "used" in replies[2][1]


async def test_a_spec_waiting_for_approval_is_announced_as_a_spec_not_a_merge(harness: Harness):
    await harness.link()
    issue = await _issue(harness, 5, "awaiting_approval", gate="spec")
    async with harness.runtime.db.sessions() as session:
        note = await phase_notification(session, issue, Phase.AWAITING_APPROVAL, "aa:5")
    assert note is not None
    assert note.title == "#5 Add login: its spec waits for your approval"
    assert note.message == (
        "Cost so far $0.00. Approve to start coding, or reject with feedback for the architect."
    )
    row = await harness.runtime.notifications.notify(harness.owner_id, note)
    message = harness.telegram.messages_to(CHAT)[-1]
    assert "merge" not in message.text

    press = harness.telegram.press(CHAT, message.message_id, f"a:{row.id}")
    await harness.poller.poll_once()

    assert harness.telegram.answer_to(press) == "Approved: coding starts."
    assert harness.decisions.made == [(harness.owner_id, Decision(harness.project_id, 5), True)]


async def test_a_press_from_the_linked_owner_decides_once(harness: Harness):
    await harness.link()
    issue = await _issue(harness, 4, "awaiting_approval")
    async with harness.runtime.db.sessions() as session:
        note = await phase_notification(session, issue, Phase.AWAITING_APPROVAL, "aa:4")
    assert note is not None
    row = await harness.runtime.notifications.notify(harness.owner_id, note)
    message = harness.telegram.messages_to(CHAT)[-1]

    stranger = harness.telegram.press(CHAT, message.message_id, f"a:{row.id}", from_id=99)
    first = harness.telegram.press(CHAT, message.message_id, f"a:{row.id}")
    second = harness.telegram.press(CHAT, message.message_id, f"r:{row.id}")
    await harness.poller.poll_once()

    assert harness.telegram.answer_to(stranger) == "Only the linked owner can decide this."
    assert harness.telegram.answer_to(first) == "Approved: merging."
    assert harness.telegram.answer_to(second) == "Already decided."
    assert harness.decisions.made == [(harness.owner_id, Decision(harness.project_id, 4), True)]
    assert harness.telegram.edits[0]["message_id"] == message.message_id


async def test_preferences_keep_a_kind_off_a_channel(harness: Harness):
    await harness.link()
    async with harness.runtime.db.sessions() as session:
        await set_preferences(session, harness.owner_id, [("merged", "telegram", False)])
    await harness.runtime.notifications.notify(
        harness.owner_id, Notification(Kind.MERGED, "m:pref", "#1 was merged")
    )
    assert len(harness.telegram.messages_to(CHAT)) == 1  # only "Linked"
    assert [e["kind"] for e in harness.in_app()] == ["merged"]


async def test_messages_to_one_chat_are_paced(harness: Harness):
    await harness.link()
    harness.runtime.telegram.pacer.per_chat = 0.3
    started = time.monotonic()
    for n in range(4):
        await harness.runtime.notifications.notify(
            harness.owner_id, Notification(Kind.MERGED, f"m:{n}", f"#{n} was merged")
        )
    assert len(harness.telegram.messages_to(CHAT)) == 5
    assert time.monotonic() - started >= 0.9  # three waits of 0.3 s between four messages


async def test_the_watchdog_tells_a_stalled_run_once(harness: Harness):
    await harness.link()
    issue = await _issue(harness, 9, "coding", title="Stuck")
    now = utcnow()
    async with harness.runtime.db.sessions() as session:
        await record_progress(session, issue.workflow_id, now - timedelta(minutes=20))
    waiting = await _issue(harness, 10, "awaiting_approval", title="Waits for me")
    async with harness.runtime.db.sessions() as session:
        await record_progress(session, waiting.workflow_id, now - timedelta(hours=2))
    fresh = await _issue(harness, 11, "testing", title="Busy")
    assert fresh.created_at > now - timedelta(minutes=1)

    stall = timedelta(minutes=15)
    assert await check_stalls(harness.runtime.notifications, stall, now) == 1
    assert await check_stalls(harness.runtime.notifications, stall, now) == 0
    later = now + timedelta(minutes=5)
    assert await check_stalls(harness.runtime.notifications, stall, later) == 0

    stalled = [row for row in await harness.rows() if row.kind == "stalled"]
    assert len(stalled) == 1 and stalled[0].payload["issue_number"] == 9
    phone = [m.text for m in harness.telegram.messages_to(CHAT) if "no progress" in m.text]
    assert len(phone) == 1 and "Stuck" in phone[0]

    # It moves, then stalls again: a new stall is told again.
    async with harness.runtime.db.sessions() as session:
        await record_progress(session, issue.workflow_id, later)
    # (by then #11, silent since it was created, has stalled too)
    assert await check_stalls(harness.runtime.notifications, stall, later + stall) == 2
    told = [row.payload["issue_number"] for row in await harness.rows() if row.kind == "stalled"]
    assert sorted(told) == [9, 9, 11]


async def test_a_refused_key_turns_the_emergency_pause_on_once_and_says_why(harness: Harness):
    await harness.link()
    auto = harness.runtime.auto_pause
    refused = LLMAuthError("the key was refused", reason="invalid key", status_code=401)
    assert await auto.after_error(harness.owner_id, refused) is True
    assert await auto.after_error(harness.owner_id, refused) is False  # already on

    state = await pause_state(BudgetStore.of(harness.runtime.db), harness.owner_id)
    assert state.paused and state.reason == "automatic: the LLM provider refused the API key (401)"
    phone = [m.text for m in harness.telegram.messages_to(CHAT) if "Emergency pause" in m.text]
    assert len(phone) == 1 and "refused the API key" in phone[0]
    no_credit = LLMBadRequest("no credit", reason="insufficient credits", status_code=402)
    assert critical_reason(no_credit) == "the LLM provider reports no credit left (402)"
    wrong_model = LLMBadRequest("unknown model", reason="no such model", status_code=404)
    assert critical_reason(wrong_model) is None


async def test_a_spend_spike_turns_the_emergency_pause_on(harness: Harness):
    now = utcnow()

    async def spend(key: str, usd: str, minutes_ago: int) -> None:
        async with harness.runtime.db.sessions() as session:
            session.add(
                TokenUsage(
                    owner_id=harness.owner_id,
                    day=now.date(),
                    project_id=None,
                    agent_name="coder_1",
                    agent_type="coder",
                    model="test/model",
                    tokens_in=1,
                    tokens_out=1,
                    cost_usd=Decimal(usd),
                    cost_source="tokens",
                    conversation_id=None,
                    task_id=None,
                    idempotency_key=key,
                    created_at=now - timedelta(minutes=minutes_ago),
                )
            )
            await session.commit()

    auto = harness.runtime.auto_pause  # daily limit 1 USD; pause above 50% in 10 minutes
    await spend("old", "0.45", 30)
    await spend("recent", "0.30", 2)
    assert await auto.after_spend(harness.owner_id, now) is False
    await spend("spike", "0.25", 1)
    assert await auto.after_spend(harness.owner_id, now) is True
    state = await pause_state(BudgetStore.of(harness.runtime.db), harness.owner_id)
    assert state.paused and state.reason is not None
    assert "$0.55 spent in the last 10 minutes" in state.reason
    assert [row.kind for row in await harness.rows()] == ["emergency_pause"]

    # The person lifts it: the spike they saw does not pause again; a new one does.
    await set_paused(BudgetStore.of(harness.runtime.db), harness.events, harness.owner_id, False)
    later = utcnow()
    assert await auto.after_spend(harness.owner_id, later) is False
    await spend("after lift", "0.45", -1)
    assert await auto.after_spend(harness.owner_id, later + timedelta(minutes=1)) is False
    await spend("new spike", "0.10", -2)
    assert await auto.after_spend(harness.owner_id, later + timedelta(minutes=2)) is True
