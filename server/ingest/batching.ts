// Reads a publisher's socket in batches of ~BATCH_MS of its stream instead of every few milliseconds. On this VM the
// server's live CPU goes by wakeups, not bytes (docs/live.md, "Transcode overhead", fourth look): an encoder's
// 3 Mbit/s arrived in ~110 reads a second, each an epoll wakeup, a recv, a pass through NMS's parser and a write to
// ffmpeg. Linux's SO_RCVLOWAT makes the socket readable only once that many bytes wait (end of stream and errors
// still wake at once), so the kernel batches. Bun's node:net has no setsockopt: the option goes through libc on the
// fd of Bun's socket handle; where either is missing, reads stay as they were.
import type { Socket } from "node:net";
import { receiveLowWater, setReceiveLowWater } from "../lib/libc";

/**
 * Media time a batch holds. Publishers that leave Nagle on (ffmpeg) are held by the receiver's delayed ACKs, ~40 ms,
 * while less than the threshold waits: at 25 ms a batch still completes with each ACK (measured: reads every
 * ~60 ms from ffmpeg, ~25 ms from a TCP_NODELAY sender such as OBS), at 50 ms it took two and stalled past 100 ms.
 */
export const BATCH_MS = 25;
/** A batch not complete after this long (the bitrate fell) is read at once; the threshold follows the next rate. */
const GUARD_MS = 100;
/** How often the threshold follows the stream's rate. */
const RATE_WINDOW_MS = 1000;
/** The kernel grows the receive buffer to twice the threshold; keep both modest. */
const MAX_LOWAT = 256 * 1024;

function socketFd(socket: Socket): number | null {
  const fd = (socket as Socket & { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : null;
}

/** The socket's current threshold, or null where it cannot be read (tests check that batching took effect). */
export function lowWaterOf(socket: Socket): number | null {
  const fd = socketFd(socket);
  return fd === null ? null : receiveLowWater(fd);
}

export interface ReadBatcher {
  /** Called with each read's size: follows the stream's rate and re-arms the guard. */
  onRead(bytes: number): void;
  stop(): void;
}

/** Starts batching a publishing socket's reads, or returns null (reads stay as they were) where it cannot. */
export function batchReads(socket: Socket): ReadBatcher | null {
  const found = socketFd(socket);
  if (found === null || !setReceiveLowWater(found, 1)) return null;
  const fd = found;
  let lowat = 1;
  let stopped = false;
  let bytes = 0;
  let since = performance.now();
  function stop(): void {
    stopped = true;
    clearTimeout(guard);
  }
  function set(n: number): void {
    if (stopped || n === lowat) return;
    // A closed socket's fd number may already belong to another connection: never touch it then.
    if (socket.destroyed || socketFd(socket) !== fd) return stop();
    if (setReceiveLowWater(fd, n)) lowat = n;
    else {
      setReceiveLowWater(fd, 1);
      stop();
    }
  }
  // Lowering the threshold wakes the reader at once when enough already waits (Linux's tcp_set_rcvlowat).
  const guard = setTimeout(() => set(1), GUARD_MS);
  guard.unref();
  return {
    onRead(n) {
      if (stopped) return;
      bytes += n;
      const now = performance.now();
      if (now - since >= RATE_WINDOW_MS) {
        set(Math.max(1, Math.min(MAX_LOWAT, Math.floor((bytes / (now - since)) * BATCH_MS))));
        bytes = 0;
        since = now;
      }
      guard.refresh();
    },
    stop,
  };
}
