// Bun's allocator (mimalloc 3) hands freed pages back to the OS and faults them in again on the next allocation. A
// live room allocates steadily (socket reads, the ingest feed, writes to ffmpeg), so the server spent ~40 % of its
// CPU on madvise, TLB-flush IPIs and page faults. MIMALLOC_PURGE_DELAY=-1 keeps freed pages for reuse: measured,
// the server process of a live 720p room went from 0.032 to 0.018 cores, and its memory levels off ~40 MB higher
// (docs/operations.md, "CPU: the allocator and socket reads"). Longer finite delays did not help (1 s, 10 s and
// 100 s all measured like the default). mimalloc reads the setting once, at process start, so `serve` starts
// itself again with it set, in place (same pid), unless the setting was given.
import { readFileSync } from "node:fs";
import { execve } from "../lib/libc";

export const PURGE_ENV = "MIMALLOC_PURGE_DELAY";

/** Re-executes this process with freed memory kept for reuse; returns only when it did not (already set, no libc). */
export function keepFreedMemory(env: NodeJS.ProcessEnv): void {
  if (env[PURGE_ENV] !== undefined) return;
  let argv: string[];
  try {
    argv = readFileSync("/proc/self/cmdline", "utf8").split("\0").slice(0, -1);
  } catch {
    return;
  }
  const next: Record<string, string> = { [PURGE_ENV]: "-1" };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) next[k] = v;
  // Run what was run, as it was run (the process keeps its name in ps and top); /proc/self/exe when argv[0] is gone.
  const self = argv[0]?.includes("/") ? argv[0] : argv[0] ? Bun.which(argv[0]) : null;
  execve(self ?? "/proc/self/exe", argv, next);
}
