"""Socket events fanned out through Redis stay with the installation whose database
they belong to (two installations may share one Redis server)."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from api.redis_fanout import fanout_channel, redis_manager


def test_the_channel_is_named_after_the_database_of_the_url():
    assert fanout_channel("redis://redis:6379/3") == "mcc-socketio-3"
    assert fanout_channel("redis://:secret@redis:6379") == "mcc-socketio-0"
    assert fanout_channel("redis://redis:6379?db=5") == "mcc-socketio-5"


async def test_an_event_is_published_for_its_own_database_only(redis_url: str):
    other_url = redis_url.rsplit("/", 1)[0] + "/9"
    listener = aioredis.Redis.from_url(redis_url)
    pubsub = listener.pubsub()
    await pubsub.subscribe(fanout_channel(redis_url), fanout_channel(other_url))
    try:
        await redis_manager(redis_url, write_only=True).emit(
            "message", {"id": 1}, room="conversation:1"
        )
        heard: list[str] = []
        for _ in range(50):
            got = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if got is not None:
                heard.append(got["channel"].decode())
            elif heard:
                break
            await asyncio.sleep(0)
        assert heard == [fanout_channel(redis_url)]
    finally:
        await pubsub.aclose()
        await listener.aclose()
