// Expired sessions are refused on load (loadSession checks expires_at) but their rows stay; this sweeper deletes
// them on a timer so the sessions table does not grow with every visitor who never logs out.
import type { Database } from "bun:sqlite";
import type { Service } from "../deps";
import { deleteExpiredSessions } from "./storage";

export const SESSION_SWEEP_MS = 60 * 60_000;

export function sessionSweeper(db: Database, opts: { now: () => number; log: (msg: string) => void; everyMs?: number }): Service {
  let timer: ReturnType<typeof setInterval> | null = null;
  const sweep = () => {
    try {
      deleteExpiredSessions(db, opts.now());
    } catch (err) {
      opts.log(`sessions: sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    name: "accounts.sessions",
    start() {
      sweep();
      timer = setInterval(sweep, opts.everyMs ?? SESSION_SWEEP_MS);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
