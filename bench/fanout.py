"""One message to 200 socket.io clients in one conversation's room: delivery latency.

    .venv/bin/python bench/fanout.py [CLIENTS] [MESSAGES]

MCC's API (no worker) serves in this process; the clients run in a child
process, each on its own websocket, all in the same room. The child posts each
message over REST and times, per client, from just before the POST to the
`message` event's arrival (so a figure includes storing the message), waiting
for all clients before the next message. The last line is:

    clients=<N> messages=<M> delivered=<n> p50_ms=<x> p99_ms=<y> first_message_max_ms=<z>

The first message after the server started is sent before the measured ones and
reported apart (`first_message_max_ms`, its slowest delivery): its POST is the
first through that route and pays its one-off costs (bench/README.md), and with
20 messages a single message is 5% of the samples, so counted in it would *be*
the p99 instead of the steady state a person's dashboard lives in.

Goal (issue 21): p99 < 100 ms on the two-core development machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_only import api_only
from mcc.conversations import open_conversation

CLIENTS = 200
MESSAGES = 20


async def _clients(url: str, token: str, conversation_id: int, clients: int, messages: int):
    arrivals: dict[int, list[float]] = {}
    everyone = asyncio.Event()
    expected = 0

    def on_message(data: dict) -> None:
        stamps = arrivals.setdefault(int(data["id"]), [])
        stamps.append(time.perf_counter())
        if len(stamps) == expected:
            everyone.set()

    sockets = []
    for _ in range(clients):
        sock = socketio.AsyncClient(reconnection=False)
        sock.on("message", on_message)
        await sock.connect(url, transports=["websocket"], auth={"token": token})
        joined = await sock.call("join_conversation", {"conversation_id": conversation_id})
        assert joined["ok"], joined
        sockets.append(sock)
    expected = clients
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:

        async def deliver(n: int) -> list[float]:
            everyone.clear()
            sent = time.perf_counter()
            response = await http.post(
                f"/api/conversations/{conversation_id}/messages", json={"content": f"hello {n}"}
            )
            response.raise_for_status()
            await asyncio.wait_for(everyone.wait(), timeout=30)
            return [(t - sent) * 1000 for t in arrivals[int(response.json()["id"])]]

        first = await deliver(0)
        latencies: list[float] = []
        for n in range(1, messages + 1):
            latencies += await deliver(n)
    await asyncio.gather(*(sock.disconnect() for sock in sockets))
    return first, latencies


def _child(url: str, token: str, conversation_id: int, clients: int, messages: int, out) -> None:
    out.put(asyncio.run(_clients(url, token, conversation_id, clients, messages)))


async def main(clients: int, messages: int) -> None:
    async with api_only() as api:
        async with api.server.runtime.db.sessions() as session:
            conversation = await open_conversation(
                session, project_id=api.project_id, agent_id=None, kind="task", title="fan-out"
            )
        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        child = context.Process(
            target=_child, args=(api.url, api.token, conversation.id, clients, messages, out)
        )
        child.start()
        first, latencies = await asyncio.to_thread(out.get)
        await asyncio.to_thread(child.join)
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"clients={clients} messages={messages} delivered={len(latencies)}"
        f" p50_ms={statistics.median(latencies):.1f} p99_ms={cuts[98]:.1f}"
        f" first_message_max_ms={max(first):.1f}"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    asyncio.run(main(*(args + [CLIENTS, MESSAGES][len(args) :])))
