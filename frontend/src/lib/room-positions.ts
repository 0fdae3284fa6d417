/**
 * The last event this tab applied in each socket.io room, so that no event is missed or
 * applied twice across reconnects: the server numbers every event per room (`seq`, within
 * an `epoch` of its log), the tab names its last number when it (re)joins, and the server
 * answers with what came after it, or `resync` when it no longer knows (then: refetch).
 */

export interface RoomPosition {
  epoch: string;
  seq: number;
}

export interface NumberedPayload extends RoomPosition {
  room: string;
}

export interface RoomCatchUp extends RoomPosition {
  room: string;
  resync: boolean;
  events: { event: string; data: NumberedPayload }[];
}

/** What to do with an event that arrived live. */
export type Arrival = "apply" | "duplicate" | "gap";

export class RoomPositions {
  private readonly positions = new Map<string, RoomPosition>();

  /** Where this tab stands in `room` (undefined: it has seen nothing there yet). */
  get(room: string): RoomPosition | undefined {
    return this.positions.get(room);
  }

  /** Every room this tab has a position in, to name when it reconnects. */
  all(): ({ room: string } & RoomPosition)[] {
    return [...this.positions].map(([room, position]) => ({ room, ...position }));
  }

  /**
   * An event arrived: `apply` it (and move on to its number), drop it as a `duplicate`
   * (seen already, e.g. live and then replayed), or report a `gap` (something came before
   * it that this tab has not seen: catch up first; the catch-up includes this event).
   */
  arrive(data: NumberedPayload): Arrival {
    const known = this.positions.get(data.room);
    if (known !== undefined) {
      // Number 0 means nothing seen yet, whatever the epoch (as the server reads it): a room
      // whose log begins after the join (Redis gives it its epoch at the first event) counts
      // from 1 in the new epoch.
      if (known.epoch !== data.epoch && known.seq !== 0) return "gap";
      if (data.seq <= known.seq) return "duplicate";
      if (data.seq > known.seq + 1) return "gap";
    }
    this.positions.set(data.room, { epoch: data.epoch, seq: data.seq });
    return "apply";
  }

  /**
   * The server's catch-up for a room: the events to apply, in order, without those seen
   * already; on `resync` none, and the position jumps to the server's head (the caller
   * refetches what the room's events would have updated).
   */
  catchUp(answer: RoomCatchUp): { event: string; data: NumberedPayload }[] {
    const head = { epoch: answer.epoch, seq: answer.seq };
    if (answer.resync) {
      this.positions.set(answer.room, head);
      return [];
    }
    const sorted = [...answer.events].sort((a, b) => a.data.seq - b.data.seq);
    const applied = sorted.filter((item) => this.arrive(item.data) === "apply");
    // First answer for the room (nothing seen yet): count from the server's head.
    if (!this.positions.has(answer.room)) this.positions.set(answer.room, head);
    return applied;
  }

  forget(room: string): void {
    this.positions.delete(room);
  }

  clear(): void {
    this.positions.clear();
  }
}

/** `project:12` → `{ kind: "project", id: 12 }`. */
export function parseRoom(room: string): { kind: string; id: number } {
  const [kind = "", id = ""] = room.split(":");
  return { kind, id: Number(id) };
}
