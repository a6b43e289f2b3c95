// Bun's allocator (mimalloc 3) hands freed pages back to the OS and faults them in again on the next allocation. A
// live room allocates steadily (socket reads, the ingest feed, writes to ffmpeg), so the server spent ~40 % of its
// CPU on madvise, TLB-flush IPIs and page faults. MIMALLOC_PURGE_DELAY=-1 keeps freed pages for reuse: in a paired
// A/B the server process of a live 720p room used 0.56× the CPU, and its memory stays ~30 MB higher
// (docs/operations.md, "CPU: the allocator and socket reads"). Finite delays (1 s, 10 s, 100 s) measured like the
// default. mimalloc reads the setting once, at process start, so `serve` starts itself again with it set, in
// place (same pid), unless it was given.
import { readFileSync, realpathSync } from "node:fs";
import { execve } from "../lib/libc";

const PURGE_ENV = "MIMALLOC_PURGE_DELAY";

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
  // Run what was run, as it was run, so the process keeps its name in ps and top; /proc/self/exe unless argv[0]
  // still leads to this very executable.
  const named = argv[0]?.includes("/") ? argv[0] : argv[0] ? Bun.which(argv[0]) : null;
  let self = "/proc/self/exe";
  try {
    if (named && realpathSync(named) === realpathSync(self)) self = named;
  } catch {}
  execve(self, argv, next);
}
