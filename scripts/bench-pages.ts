// scripts/bench-pages: page speed. The home page, a room page (a room with 5 products), a product page and the
// Studio, for an anonymous visitor, a logged-in viewer and (Studio) the creator, each beside a bare Bun.serve
// answering the same bytes (this script with --bare, a child process), in the same run. Both servers are real
// child processes on 127.0.0.1; the load generator is this process (N connections flat out), sharing the cores.
// Options: --connections N (32), --seconds S per run (3), --rounds R (2, alternating sides, best kept).
import type { Subprocess } from "bun";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeDir } from "../test/helpers/server";
import { deadline, fmt, liveServer, opt, pct } from "./bench-live-lib";

if (process.argv[2] === "--bare") {
  // The baseline: every page's bytes and content-type, from a folder of <n>.html files, at /<n>.
  const dir = process.argv[3]!;
  const pages = new Map(readdirSync(dir).map((f) => [`/${f.replace(/\.html$/, "")}`, readFileSync(join(dir, f))]));
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      const body = pages.get(new URL(req.url).pathname);
      return body ? new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } }) : new Response("not found", { status: 404 });
    },
  });
  console.log(server.port);
} else {
  await bench();
}

async function bench(): Promise<void> {
  const CONNS = opt("connections", 32);
  const SECS = opt("seconds", 3);
  const ROUNDS = opt("rounds", 2);
  const BUN = join(import.meta.dir, "..", "node_modules/.bin/bun");

  const { server, rooms } = await liveServer([], 1);
  let bare: Subprocess | null = null;
  const pagesDir = mkdtempSync(join(tmpdir(), "lh-bench-pages-"));
  deadline((ROUNDS * 7 * 2 * SECS + 120) * 1000, () => (server.proc.kill("SIGKILL"), bare?.kill("SIGKILL")));
  try {
    const room = rooms[0]!;
    const must = async (args: string[]) => {
      const r = await server.cli(args);
      if (r.code !== 0) throw new Error(r.stderr);
      return r.json as { id: number };
    };
    const products: number[] = [];
    for (let i = 1; i <= 5; i++) products.push((await must(["product", "create", "--owner", "bench", "--title", `Bench product ${i}`, "--price", String(1000 + i), "--currency", "USD", "--stock", "100"])).id);
    await must(["user", "create", "--username", "viewer", "--password", "viewer-pass-123", "--role", "viewer"]);
    const viewer = await login(server.url, "viewer", "viewer-pass-123");
    const creator = await login(server.url, "bench", "bench-pass-123");

    const cases: { label: string; path: string; cookie: string }[] = [
      { label: "home, anonymous", path: "/", cookie: "" },
      { label: "home, viewer", path: "/", cookie: viewer },
      { label: "room (5 products), anonymous", path: `/r/${room.slug}`, cookie: "" },
      { label: "room (5 products), viewer", path: `/r/${room.slug}`, cookie: viewer },
      { label: "product, anonymous", path: `/shop/p/${products[0]}`, cookie: "" },
      { label: "product, viewer", path: `/shop/p/${products[0]}`, cookie: viewer },
      { label: "studio, creator", path: "/studio", cookie: creator },
    ];
    // The same bytes each page answers today, served bare.
    for (const [i, c] of cases.entries()) {
      const res = await fetch(server.url + c.path, { headers: { cookie: c.cookie }, redirect: "manual" });
      if (res.status !== 200) throw new Error(`${c.label}: ${c.path} answered ${res.status}`);
      writeFileSync(join(pagesDir, `${i}.html`), new Uint8Array(await res.arrayBuffer()));
    }
    bare = Bun.spawn([BUN, import.meta.path, "--bare", pagesDir], { stdout: "pipe", stderr: "inherit" });
    const reader = (bare.stdout as ReadableStream<Uint8Array>).getReader();
    const bareUrl = `http://127.0.0.1:${Number(new TextDecoder().decode((await reader.read()).value).trim())}`;

    console.log(`bench-pages: ${CONNS} connections × ${SECS} s per run, best of ${ROUNDS} alternating rounds; load: ${readFileSync("/proc/loadavg", "utf8").trim()}`);
    const best = new Map<string, Run>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of cases.entries()) {
        for (const [side, url] of [["ours", server.url + c.path], ["bare", `${bareUrl}/${i}`]] as const) {
          const r = await wrk(url, c.cookie, CONNS, SECS);
          const key = `${side}:${i}`;
          if (!best.has(key) || r.rps > best.get(key)!.rps) best.set(key, r);
        }
      }
    }
    console.log(`  ${"page".padEnd(38)} ${"Livehouse".padStart(22)}   ${"bare Bun.serve".padStart(22)}   ratio`);
    for (const [i, c] of cases.entries()) {
      const o = best.get(`ours:${i}`)!;
      const b = best.get(`bare:${i}`)!;
      const size = readFileSync(join(pagesDir, `${i}.html`)).byteLength;
      console.log(`  ${`${c.label} (${Math.round(size / 1000)} KB)`.padEnd(38)} ${fmt(o.rps, 0).padStart(6)} req/s p99 ${fmt(o.p99, 1).padStart(5)} ms   ${fmt(b.rps, 0).padStart(6)} req/s p99 ${fmt(b.p99, 1).padStart(5)} ms   ${fmt(o.rps / b.rps)}×${o.errors + b.errors ? `  errors ${o.errors}/${b.errors}` : ""}`);
    }
    console.log(`  load after: ${readFileSync("/proc/loadavg", "utf8").trim()}`);
  } catch (err) {
    console.error(err);
  } finally {
    bare?.kill();
    await server.stop();
    removeDir(server.dataDir);
    removeDir(pagesDir);
  }
  process.exit(0);
}

interface Run { rps: number; p99: number; errors: number }

async function wrk(url: string, cookie: string, conns: number, secs: number): Promise<Run> {
  const lat: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + secs * 1000;
  const headers = cookie ? { cookie } : undefined;
  await Promise.all(Array.from({ length: conns }, async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status === 200) lat.push(performance.now() - t);
        else errors++;
      } catch {
        errors++;
      }
    }
  }));
  return { rps: lat.length / ((performance.now() - started) / 1000), p99: pct(lat, 99), errors };
}

/** Logs in through the real form (CSRF cookie + field) and returns the Cookie header of the session. */
async function login(base: string, username: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ""] = c.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const page = await fetch(`${base}/login`);
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error("login page without a CSRF field");
  const res = await fetch(`${base}/login`, {
    method: "POST", redirect: "manual",
    headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password, _csrf: csrf }),
  });
  keep(res);
  if (res.status >= 400 || !jar.has("lh_session")) throw new Error(`login as ${username} failed: ${res.status}`);
  return cookie();
}
