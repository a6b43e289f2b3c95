// Starts the real server (scripts/livehouse serve) as a child process on free ports with its own data dir.
// Tests drive it over real HTTP/RTMP/WebSocket, never a mock.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = resolve(import.meta.dir, "../..");
const BUN = join(ROOT, "node_modules/.bin/bun");
const MAIN = join(ROOT, "server/main.ts");

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

export function tempDataDir(prefix = "lh-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs an admin subcommand against a data dir, like a user at a shell. */
export async function cli(dataDir: string, args: string[], env: Record<string, string> = {}, exec: string[] = [BUN, MAIN], cwd = ROOT): Promise<CliResult> {
  const proc = Bun.spawn([...exec, ...args, "--data-dir", dataDir], { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  let json: any = null;
  try {
    json = JSON.parse(stdout);
  } catch {}
  return { code, stdout, stderr, json };
}

export interface RunningServer {
  url: string;
  httpPort: number;
  rtmpPort: number;
  rtmpUrl: string;
  dataDir: string;
  proc: Subprocess;
  /** Everything the server printed so far (stdout + stderr). */
  output(): string;
  cli(args: string[]): Promise<CliResult>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `exec` replaces `bun server/main.ts` (e.g. the compiled binary); `cwd` defaults to the checkout; `httpPort` binds a
 * given port (a `--role web` process sharing another's port through SO_REUSEPORT) instead of a free one.
 */
export async function startServer(opts: { dataDir?: string; args?: string[]; env?: Record<string, string>; exec?: string[]; cwd?: string; httpPort?: number } = {}): Promise<RunningServer> {
  const exec = opts.exec ?? [BUN, MAIN];
  const cwd = opts.cwd ?? ROOT;
  const dataDir = opts.dataDir ?? tempDataDir();
  const httpPort = opts.httpPort ?? (await freePort());
  const rtmpPort = await freePort();
  const proc = Bun.spawn(
    [...exec, "serve", "--host", "127.0.0.1", "--http-port", String(httpPort), "--rtmp-port", String(rtmpPort), "--data-dir", dataDir, ...(opts.args ?? [])],
    { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, ...opts.env } },
  );
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    const reader = s.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out += dec.decode(value);
    }
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      proc.kill();
      throw new Error(`server did not become healthy:\n${out}`);
    }
    await Bun.sleep(50);
  }
  return {
    url, httpPort, rtmpPort, rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/live`, dataDir, proc,
    output: () => out,
    cli: (args) => cli(dataDir, args, opts.env, exec, cwd),
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
        await proc.exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * A second process beside `owner`: `serve --role web` on the same data directory, sharing Redis. Pass the owner's
 * own extra args (limits etc.) in `args` so both processes run the same configuration.
 */
export function startWebProcess(owner: RunningServer, redisUrl: string, opts: { args?: string[]; env?: Record<string, string> } = {}): Promise<RunningServer> {
  return startServer({ dataDir: owner.dataDir, args: ["--role", "web", "--redis-url", redisUrl, ...(opts.args ?? [])], env: opts.env });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
