// Debian's nginx run unprivileged with the edge config we ship (docs/nginx-edge.conf), in front of a real
// Livehouse, with an access log that records whether each request went to the origin. Used by
// test/edge-nginx.test.ts and scripts/bench-edge.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, removeDir, ROOT, tempDataDir } from "./server";

export interface EdgeLine {
  /** MISS, HIT, EXPIRED, BYPASS, UPDATING or "-" (not cacheable here). */
  cache: string;
  /** The request reached Livehouse (a MISS/EXPIRED/BYPASS or an uncached location). */
  origin: boolean;
  uri: string;
  args: string;
  status: number;
  bytes: number;
}

export interface Edge {
  url: string;
  /** Lines of the access log written since the edge started (or since `mark`). */
  lines(): EdgeLine[];
  /** Forgets the lines logged so far. */
  mark(): void;
  stop(): Promise<void>;
}

/** Starts nginx on a free loopback port in front of 127.0.0.1:originPort with docs/nginx-edge.conf. */
export async function startEdge(originPort: number, secret: string, opts: { workers?: number; connections?: number } = {}): Promise<Edge> {
  const dir = tempDataDir("lh-edge-");
  mkdirSync(join(dir, "cache"));
  const port = await freePort();
  const conf = readFileSync(join(ROOT, "docs/nginx-edge.conf"), "utf8")
    .replaceAll("SECRET", secret)
    .replaceAll("127.0.0.1:8080", `127.0.0.1:${originPort}`)
    .replace("listen 80;", `listen 127.0.0.1:${port};`)
    .replace("/var/cache/nginx/livehouse", join(dir, "cache"));
  const temp = (name: string) => `${name} ${join(dir, name)};`;
  const log = join(dir, "access.log");
  const workers = opts.workers ?? 1;
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off; ${workers > 1 ? `worker_processes ${workers};` : "master_process off;"} pid ${join(dir, "nginx.pid")}; error_log ${join(dir, "error.log")} warn;
worker_rlimit_nofile 16384;
events { worker_connections ${opts.connections ?? 4096}; }
http {
  log_format lh '$upstream_cache_status|$upstream_addr|$uri|$args|$status|$body_bytes_sent';
  access_log ${log} lh buffer=64k flush=200ms;
  ${temp("client_body_temp_path")} ${temp("proxy_temp_path")} ${temp("fastcgi_temp_path")} ${temp("uwsgi_temp_path")} ${temp("scgi_temp_path")}
${conf}
}\n`,
  );
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(["/usr/sbin/nginx", "-p", dir, "-c", join(dir, "nginx.conf")], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const url = `http://127.0.0.1:${port}`;
  let started = false;
  for (let i = 0; i < 100 && !started; i++) {
    try {
      await fetch(`${url}/healthz`);
      started = true;
    } catch {
      if (proc.exitCode !== null) break;
      await Bun.sleep(50);
    }
  }
  if (!started) {
    proc.kill();
    const err = await new Response(proc.stderr).text();
    let errLog = "";
    try {
      errLog = readFileSync(join(dir, "error.log"), "utf8");
    } catch {}
    removeDir(dir);
    throw new Error(`nginx did not start: ${err}${errLog}`);
  }
  let from = 0;
  const read = (): string => {
    try {
      return readFileSync(log, "utf8");
    } catch {
      return "";
    }
  };
  return {
    url,
    lines() {
      return read()
        .slice(from)
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [cache = "-", upstream = "-", uri = "", args = "", status = "0", bytes = "0"] = l.split("|");
          return { cache, origin: upstream !== "-" && upstream !== "", uri, args: args === "-" ? "" : args, status: Number(status), bytes: Number(bytes) };
        });
    },
    mark() {
      from = read().length;
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGQUIT");
        const t = setTimeout(() => proc.kill("SIGKILL"), 3000);
        await proc.exited;
        clearTimeout(t);
      }
      removeDir(dir);
    },
  };
}

/** Per rung: distinct segments the viewers got, and how many requests for them reached the origin. */
export function originPerSegment(lines: EdgeLine[]): { rung: string; segments: number; originRequests: number; perSegment: number }[] {
  const by = new Map<string, { segs: Set<string>; origin: number }>();
  for (const l of lines) {
    const m = /^\/(?:live|replays)\/[^/]+\/(\d{3,4}p)\/([^/]+\.(?:ts|m4s|mp4))$/.exec(l.uri);
    if (!m) continue;
    const r = by.get(m[1]!) ?? { segs: new Set<string>(), origin: 0 };
    by.set(m[1]!, r);
    if (l.status === 200 || l.status === 206) r.segs.add(m[2]!);
    if (l.origin) r.origin++;
  }
  return [...by.entries()]
    .sort(([a], [b]) => parseInt(b) - parseInt(a))
    .map(([rung, r]) => ({ rung, segments: r.segs.size, originRequests: r.origin, perSegment: r.segs.size ? r.origin / r.segs.size : 0 }));
}

export interface ViewerStats {
  playlists: number;
  segments: number;
  errors: number;
  bytes: number;
  seconds: number;
  /** Distinct segments fetched per rung. */
  distinct: Map<string, Set<string>>;
}

/**
 * Simulated viewers of a live room: each polls its rendition playlist every second and fetches every segment it
 * has not fetched yet (starting from the newest), like hls.js at the live edge. Bounded by `seconds`.
 */
export async function watchLive(base: string, slug: string, rungs: string[], viewers: number, seconds: number): Promise<ViewerStats> {
  const st: ViewerStats = { playlists: 0, segments: 0, errors: 0, bytes: 0, seconds: 0, distinct: new Map(rungs.map((r) => [r, new Set<string>()])) };
  const started = performance.now();
  const end = started + seconds * 1000;
  const get = async (url: string): Promise<Response | null> => {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      await res.arrayBuffer();
    } catch {}
    st.errors++;
    return null;
  };
  await Promise.all(
    Array.from({ length: viewers }, async (_, i) => {
      const rung = rungs[i % rungs.length]!;
      const have = new Set<string>();
      await Bun.sleep((i * 1000) / viewers);
      while (performance.now() < end) {
        const t = performance.now();
        const res = await get(`${base}/live/${slug}/${rung}/index.m3u8`);
        if (res) {
          st.playlists++;
          const names = (await res.text()).split("\n").filter((l) => l && !l.startsWith("#"));
          const todo = have.size ? names.filter((n) => !have.has(n)) : names.slice(-1);
          for (const n of todo) {
            have.add(n);
            const seg = await get(`${base}/live/${slug}/${rung}/${n}`);
            if (seg) {
              st.segments++;
              st.distinct.get(rung)!.add(n);
              st.bytes += (await seg.arrayBuffer()).byteLength;
            }
          }
        }
        await Bun.sleep(Math.max(0, 1000 - (performance.now() - t)));
      }
    }),
  );
  st.seconds = (performance.now() - started) / 1000;
  return st;
}
