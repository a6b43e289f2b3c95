// Attendance: who was in a class's room and for how long. A sweep every `everyMs` looks at the signed-in users
// connected to each room (the realtime hub's sockets) and, when a class is on in that room, adds the time since
// their last sighting (capped at two sweeps, so a gap while disconnected does not count). The first sighting is
// the "joined" time. The CSV lists every ticket holder, formula-safe.
import type { Database } from "bun:sqlite";
import type { Service } from "../deps";
import { csvCell } from "../shop/csv";
import { ACCESS_MARGIN_MS, type AttendanceRow } from "./model";
import * as store from "./storage";

export function recordPresence(db: Database, roomId: number, userIds: readonly number[], now: number, everyMs: number): number {
  if (!userIds.length) return 0;
  const c = store.classInRoomAt(db, roomId, now, ACCESS_MARGIN_MS);
  if (!c) return 0;
  db.transaction(() => {
    for (const uid of new Set(userIds)) {
      const last = store.lastSeen(db, c.id, uid);
      const gap = last === null ? 0 : Math.min(now - last, 2 * everyMs);
      store.recordAttendance(db, c.id, uid, now, Math.max(0, Math.round(gap / 1000)));
    }
  })();
  return c.id;
}

export function attendanceService(deps: { db: Database; now: () => number; everyMs: number; rooms(): number[]; users(roomId: number): number[]; log(msg: string): void }): Service {
  let timer: ReturnType<typeof setInterval> | null = null;
  const sweep = () => {
    try {
      for (const roomId of deps.rooms()) recordPresence(deps.db, roomId, deps.users(roomId), deps.now(), deps.everyMs);
    } catch (err) {
      deps.log(`classes attendance: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    name: "classes.attendance",
    start() {
      timer = setInterval(sweep, deps.everyMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export function attendanceCsv(rows: readonly AttendanceRow[]): string {
  const head = ["ticket", "username", "status", "joined_utc", "minutes_watched"];
  const body = rows.map((r) => [r.ticketId, r.username, r.status, r.joinedAt === null ? "" : new Date(r.joinedAt).toISOString(), Math.floor(r.seconds / 60)]);
  return [head, ...body].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export const { attendance } = store;
