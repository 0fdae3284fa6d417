import { afterEach, describe, expect, it, vi } from "vitest";

import { RoomPositions } from "@/lib/room-positions";
import { applyCatchUp, onResync, onServerEvent, receiveServerEvent, socket, startRealtime } from "@/lib/socket";

const EPOCH = "e1";
const progress = (room: string, seq: number, status = `phase-${seq}`, epoch = EPOCH) => ({
  task_id: "issue/demo/1",
  percent: seq,
  status,
  project_id: 7,
  issue_number: 1,
  room,
  epoch,
  seq,
});

describe("room positions", () => {
  it("apply the next event, drop what was seen, report a gap", () => {
    const positions = new RoomPositions();
    expect(positions.arrive(progress("project:7", 1))).toBe("apply");
    expect(positions.arrive(progress("project:7", 2))).toBe("apply");
    expect(positions.arrive(progress("project:7", 2))).toBe("duplicate");
    expect(positions.arrive(progress("project:7", 1))).toBe("duplicate");
    expect(positions.arrive(progress("project:7", 4))).toBe("gap");
    expect(positions.arrive(progress("project:7", 3, "x", "another-epoch"))).toBe("gap");
    expect(positions.get("project:7")).toEqual({ epoch: EPOCH, seq: 2 });
  });

  it("apply a catch-up in order without what was already seen, and jump on resync", () => {
    const positions = new RoomPositions();
    positions.arrive(progress("project:7", 1));
    positions.arrive(progress("project:7", 2));
    const replayed = positions.catchUp({
      room: "project:7",
      epoch: EPOCH,
      seq: 4,
      resync: false,
      events: [4, 2, 3].map((seq) => ({ event: "task_progress", data: progress("project:7", seq) })),
    });
    expect(replayed.map((item) => item.data.seq)).toEqual([3, 4]);
    expect(positions.get("project:7")).toEqual({ epoch: EPOCH, seq: 4 });

    expect(positions.catchUp({ room: "project:7", epoch: "new", seq: 9, resync: true, events: [] })).toEqual([]);
    expect(positions.get("project:7")).toEqual({ epoch: "new", seq: 9 });
  });

  it("take the first events of a room whose log began after the join, under its new epoch", () => {
    const positions = new RoomPositions();
    // Redis has no log for the room yet: the join's head is number 0 of no epoch.
    positions.catchUp({ room: "project:7", epoch: "", seq: 0, resync: false, events: [] });
    expect(positions.arrive(progress("project:7", 1))).toBe("apply");
    expect(positions.arrive(progress("project:7", 2))).toBe("apply");
    expect(positions.get("project:7")).toEqual({ epoch: EPOCH, seq: 2 });

    const late = new RoomPositions();
    late.catchUp({ room: "project:7", epoch: "", seq: 0, resync: false, events: [] });
    expect(late.arrive(progress("project:7", 3))).toBe("gap"); // 1 and 2 missed: catch up first
    const replayed = late.catchUp({
      room: "project:7",
      epoch: EPOCH,
      seq: 3,
      resync: false,
      events: [1, 2, 3].map((seq) => ({ event: "task_progress", data: progress("project:7", seq) })),
    });
    expect(replayed.map((item) => item.data.seq)).toEqual([1, 2, 3]);
  });

  it("start counting from the server's head in a room seen for the first time", () => {
    const positions = new RoomPositions();
    positions.catchUp({ room: "user:1", epoch: EPOCH, seq: 12, resync: false, events: [] });
    expect(positions.arrive(progress("user:1", 12))).toBe("duplicate");
    expect(positions.arrive(progress("user:1", 13))).toBe("apply");
  });
});

describe("the socket's sequence check", () => {
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    vi.restoreAllMocks();
  });

  it("give each event to the app once, in order, whether it came live or replayed", () => {
    const seen: number[] = [];
    stops.push(onServerEvent("task_progress", (event) => seen.push(event.percent)));
    const room = "project:101";

    receiveServerEvent("task_progress", progress(room, 1));
    receiveServerEvent("task_progress", progress(room, 2));
    // Reconnected: the join's catch-up repeats 2 and brings 3 and 4.
    applyCatchUp({
      room,
      epoch: EPOCH,
      seq: 4,
      resync: false,
      events: [2, 3, 4].map((seq) => ({ event: "task_progress", data: progress(room, seq) })),
    });
    receiveServerEvent("task_progress", progress(room, 4)); // late live copy
    receiveServerEvent("task_progress", progress(room, 5));

    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it("on a gap, ask the server for the missing events and apply them before the one that showed the gap", () => {
    const emit = vi.spyOn(socket, "emit").mockImplementation(() => socket);
    const seen: number[] = [];
    stops.push(onServerEvent("task_progress", (event) => seen.push(event.percent)));
    const room = "project:102";

    receiveServerEvent("task_progress", progress(room, 1));
    receiveServerEvent("task_progress", progress(room, 3)); // 2 went missing
    expect(seen).toEqual([1]);
    const [name, payload, ack] = emit.mock.calls[0] as unknown as [
      string,
      unknown,
      (error: Error | null, response: unknown) => void,
    ];
    expect(name).toBe("sync");
    expect(payload).toEqual({ rooms: [{ room, epoch: EPOCH, seq: 1 }] });

    ack(null, {
      ok: true,
      rooms: [
        {
          room,
          epoch: EPOCH,
          seq: 3,
          resync: false,
          events: [2, 3].map((seq) => ({ event: "task_progress", data: progress(room, seq) })),
        },
      ],
    });
    expect(seen).toEqual([1, 2, 3]);
  });

  it("a gap that shows while the room's sync is under way is asked for again once it answers", () => {
    const emit = vi.spyOn(socket, "emit").mockImplementation(() => socket);
    const seen: number[] = [];
    stops.push(onServerEvent("task_progress", (event) => seen.push(event.percent)));
    const room = "project:104";
    type Ack = (error: Error | null, response: unknown) => void;
    const answer = (seqs: number[]) => ({
      ok: true,
      rooms: [
        {
          room,
          epoch: EPOCH,
          seq: seqs.at(-1),
          resync: false,
          events: seqs.map((seq) => ({ event: "task_progress", data: progress(room, seq) })),
        },
      ],
    });

    receiveServerEvent("task_progress", progress(room, 1));
    receiveServerEvent("task_progress", progress(room, 3)); // 2 missing: sync from 1
    receiveServerEvent("task_progress", progress(room, 5)); // while that sync is under way
    expect(emit).toHaveBeenCalledTimes(1);
    // The server read the log before 4 and 5 were in it; nothing else comes to the room.
    (emit.mock.calls[0]![2] as unknown as Ack)(null, answer([2, 3]));
    expect(seen).toEqual([1, 2, 3]);

    expect(emit).toHaveBeenCalledTimes(2);
    expect(emit.mock.calls[1]![1]).toEqual({ rooms: [{ room, epoch: EPOCH, seq: 3 }] });
    (emit.mock.calls[1]![2] as unknown as Ack)(null, answer([4, 5]));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(emit).toHaveBeenCalledTimes(2); // caught up: nothing more to ask
  });

  it("when the server says its fan-out was cut (catch_up), name where the tab stands in every room", () => {
    const emit = vi.spyOn(socket, "emit").mockImplementation(() => socket);
    receiveServerEvent("task_progress", progress("project:105", 1));
    receiveServerEvent("task_progress", progress("project:105", 2));
    receiveServerEvent("task_progress", progress("project:106", 1));

    startRealtime(); // the app's listeners on the socket (logged out: it does not connect)
    for (const listener of socket.listeners("catch_up")) listener();

    const [name, payload] = emit.mock.calls[0] as unknown as [string, { rooms: { room: string }[] }];
    expect(name).toBe("sync");
    expect(payload.rooms).toEqual(
      expect.arrayContaining([
        { room: "project:105", epoch: EPOCH, seq: 2 },
        { room: "project:106", epoch: EPOCH, seq: 1 },
      ]),
    );
  });

  it("on resync, tell the app which room to refetch and carry on from the server's head", () => {
    const resyncs: { kind: string; id: number }[] = [];
    const seen: number[] = [];
    stops.push(onResync((room) => resyncs.push(room)));
    stops.push(onServerEvent("task_progress", (event) => seen.push(event.percent)));
    const room = "project:103";

    receiveServerEvent("task_progress", progress(room, 1));
    applyCatchUp({ room, epoch: "after-restart", seq: 6, resync: true, events: [] });
    receiveServerEvent("task_progress", progress(room, 7, "merging", "after-restart"));

    expect(resyncs).toEqual([{ kind: "project", id: 103 }]);
    expect(seen).toEqual([1, 7]);
  });

  it("pass events without a number (the streaming answer) straight through", () => {
    const deltas: string[] = [];
    stops.push(onServerEvent("message_delta", (event) => deltas.push(event.delta)));
    receiveServerEvent("message_delta", { conversation_id: 1, step: 0, delta: "Hel", author: "coder_1" });
    receiveServerEvent("message_delta", { conversation_id: 1, step: 0, delta: "lo", author: "coder_1" });
    expect(deltas).toEqual(["Hel", "lo"]);
  });
});
