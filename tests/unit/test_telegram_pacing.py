"""Telegram's limits, on a fake clock: one message per second per chat, 30 per second in all."""

from __future__ import annotations

import pytest

from mcc.notifications.telegram.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()

    async def sleep(seconds: float) -> None:
        fake.now += seconds

    monkeypatch.setattr("mcc.notifications.telegram.pacing.asyncio.sleep", sleep)
    return fake


async def test_one_chat_gets_at_most_one_message_per_second(clock: Clock):
    pacer = Pacer(1.0, 30, clock)
    moments = []
    for _ in range(3):
        await pacer.wait(5)
        moments.append(clock.now)
    assert moments == [0.0, 1.0, 2.0]


async def test_all_chats_together_get_at_most_thirty_per_second(clock: Clock):
    pacer = Pacer(1.0, 30, clock)
    for chat in range(31):
        await pacer.wait(chat)
    assert clock.now == pytest.approx(1.0)  # the 31st waited for the window to move


async def test_a_retry_after_holds_the_chat(clock: Clock):
    pacer = Pacer(1.0, 30, clock)
    await pacer.wait(1)
    pacer.hold(1, 7)
    await pacer.wait(1)
    assert clock.now == pytest.approx(7.0)
