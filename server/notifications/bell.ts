// The bell's sockets: every signed-in page opens one (public/js/bell.js) and is told the user's unread count on
// open and whenever it changes. Sockets are kept per user in memory; a send that throws drops that socket only.
import { bellFrame } from "./model";

export interface BellSocket {
  send(data: string): unknown;
  close(code?: number, reason?: string): void;
}

export function createBell(unread: (userId: number) => number, log: (msg: string) => void) {
  const byUser = new Map<number, Set<BellSocket>>();
  function sendTo(s: BellSocket, userId: number, frame: string): void {
    try {
      s.send(frame);
    } catch (err) {
      byUser.get(userId)?.delete(s);
      log(`bell: send failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return {
    add(userId: number, s: BellSocket): void {
      let set = byUser.get(userId);
      if (!set) byUser.set(userId, (set = new Set()));
      set.add(s);
      sendTo(s, userId, bellFrame(unread(userId)));
    },
    remove(userId: number, s: BellSocket): void {
      const set = byUser.get(userId);
      if (set?.delete(s) && set.size === 0) byUser.delete(userId);
    },
    /** Reads the count once and tells every socket of the user. */
    push(userId: number): void {
      const set = byUser.get(userId);
      if (!set?.size) return;
      const frame = bellFrame(unread(userId));
      for (const s of [...set]) sendTo(s, userId, frame);
    },
    /** On shutdown: Bun's server.stop() waits for open sockets; 1012 "service restart" makes bell.js reconnect. */
    closeAll(): void {
      for (const set of byUser.values()) {
        for (const s of set) {
          try {
            s.close(1012, "server restarting");
          } catch {}
        }
      }
      byUser.clear();
    },
    sockets(): number {
      let n = 0;
      for (const set of byUser.values()) n += set.size;
      return n;
    },
  };
}

export type Bell = ReturnType<typeof createBell>;
