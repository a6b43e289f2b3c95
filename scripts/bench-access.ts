// scripts/bench-access: what the signed-URL check costs on the media path. One real server (child process on
// 127.0.0.1) holds two identical replays: one in a members-only room (every request carries ?md5=&expires= and is
// checked, every playlist is rewritten with the signature) and one in a public room (no check). A wrk-style client
// runs N connections flat out on each playlist and segment, alternating the sides over rounds (client and server
// share the CPU) and keeping each side's best. Target: signed ≥ 0.9× unsigned. Bounded by a hard deadline.
// Then the ticket race (scripts/bench-tickets: 1,000 buyers for 100 seats) runs after it; --no-tickets skips it.
import { Database } from "bun:sqlite";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signMedia } from "../server/access/tokens";
import { removeDir, startServer, type RunningServer } from "../test/helpers/server";
import { deadline, fmt, opt, pct } from "./bench-live-lib";

const CONNS = opt("connections", 32);
const SECONDS = opt("seconds", 4);
const ROUNDS = opt("rounds", 3);
const SECRET = "bench-access-secret-0123456789";
const SEGMENTS = 600;

interface Run {
  rps: number;
  p99: number;
  errors: number;
}

/** url: one URL, or a new one per request (a new signature each time: the uncached worst case). */
async function wrk(url: string | (() => string)): Promise<Run> {
  let ok = 0;
  let errors = 0;
  const lat: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNS }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const res = await fetch(typeof url === "string" ? url : url());
          await res.arrayBuffer();
          if (res.ok) ok++;
          else errors++;
        } catch {
          errors++;
        }
        lat.push(performance.now() - t);
      }
    }),
  );
  return { rps: ok / ((performance.now() - t0) / 1000), p99: pct(lat, 99), errors };
}

/** A finished replay as the media domain leaves one: a row, a master, a long media playlist, ~200 KB segments. */
function writeReplay(server: RunningServer, db: Database, roomId: number): number {
  const id = Number(db.query("INSERT INTO broadcasts (room_id, started_at, ended_at, duration_ms, ladder) VALUES (?, 1, 2, ?, '[\"720p\"]') RETURNING id").values(roomId, SEGMENTS * 1000)[0]![0]);
  const dir = join(server.dataDir, "media", "broadcasts", String(id));
  mkdirSync(join(dir, "720p"), { recursive: true });
  mkdirSync(join(dir, "360p"), { recursive: true });
  writeFileSync(join(dir, "index.m3u8"), "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720\n720p/index.m3u8\n");
  let pl = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MEDIA-SEQUENCE:0\n";
  for (let i = 0; i < SEGMENTS; i++) pl += `#EXT-X-PROGRAM-DATE-TIME:2026-11-30T12:00:${String(i % 60).padStart(2, "0")}.000Z\n#EXTINF:1.000000,\nr0_${i}.ts\n`;
  writeFileSync(join(dir, "720p", "replay.m3u8"), pl + "#EXT-X-ENDLIST\n");
  // A live-sized playlist (the hot path: every viewer reloads one every second): the last 10 segments.
  writeFileSync(join(dir, "360p", "replay.m3u8"), pl.split("\n").slice(0, 5).join("\n") + "\n" + pl.split("\n").slice(-31).join("\n") + "#EXT-X-ENDLIST\n");
  writeFileSync(join(dir, "720p", "r0_7.ts"), new Uint8Array(188 * 1064).fill(0x47));
  return id;
}

/** Signed vs unsigned serving of the same playlist and segment; prints the table and returns the ratios. */
export async function benchMediaTokens(): Promise<{ playlist: number; segment: number; long: number }> {
  const server = await startServer({ args: ["--media-token-secret", SECRET, "--media-token-ttl", "3600"] });
  try {
    await server.cli(["user", "create", "--username", "bench", "--password", "bench-pass-123", "--role", "creator"]);
    const paid = (await server.cli(["room", "create", "--owner", "bench", "--title", "Paid"])).json;
    const open = (await server.cli(["room", "create", "--owner", "bench", "--title", "Open"])).json;
    await server.cli(["room", "access", "--room", paid.slug, "--mode", "members"]);
    const db = new Database(join(server.dataDir, "livehouse.db"));
    const ids = { paid: writeReplay(server, db, paid.id), open: writeReplay(server, db, open.id) };
    db.close();
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const q = `?md5=${signMedia(SECRET, `/replays/${ids.paid}/`, expires)}&expires=${expires}`;
    // Tokens are shared per expiry step (server/access/tokens.ts tokenExpiry), so real viewers of one path send
    // few signatures; a new signature on every request is the worst case: one MD5 and one body build each.
    let n = 0;
    const fresh = (path: string) => () => {
      const e = expires + (n++ % 1_000_000);
      return `${server.url}${path}?md5=${signMedia(SECRET, `/replays/${ids.paid}/`, e)}&expires=${e}`;
    };
    const runs: Record<string, string | (() => string)> = {
      "playlist, signed": `${server.url}/replays/${ids.paid}/360p/index.m3u8${q}`,
      "playlist, public": `${server.url}/replays/${ids.open}/360p/index.m3u8`,
      "long list, signed": `${server.url}/replays/${ids.paid}/720p/index.m3u8${q}`,
      "long list, public": `${server.url}/replays/${ids.open}/720p/index.m3u8`,
      "long, new token": fresh(`/replays/${ids.paid}/720p/index.m3u8`),
      "list, new token": fresh(`/replays/${ids.paid}/360p/index.m3u8`),
      "segment, signed": `${server.url}/replays/${ids.paid}/720p/r0_7.ts${q}`,
      "segment, public": `${server.url}/replays/${ids.open}/720p/r0_7.ts`,
    };
    for (const url of Object.values(runs)) if (!(await fetch(typeof url === "string" ? url : url())).ok) throw new Error(`bench-access: ${url} is not served`);
    const best: Record<string, Run> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, url] of Object.entries(runs)) {
        const r = await wrk(url);
        if (!best[label] || r.rps > best[label]!.rps) best[label] = r;
      }
    }
    console.log(`media tokens: ${CONNS} connections × ${SECONDS} s, best of ${ROUNDS} alternating rounds (playlist: 10 URIs like a live window; long list: a ${SEGMENTS}-segment replay; segment 200 KB)`);
    for (const [label, r] of Object.entries(best)) console.log(`  ${label.padEnd(18)} ${fmt(r.rps, 0).padStart(7)} req/s  p99 ${fmt(r.p99, 1).padStart(6)} ms  errors ${r.errors}`);
    const r = (k: string) => best[`${k}, signed`]!.rps / best[`${k}, public`]!.rps;
    const ratio = { playlist: r("playlist"), segment: r("segment"), long: r("long list") };
    const cold = { playlist: best["list, new token"]!.rps / best["playlist, public"]!.rps, long: best["long, new token"]!.rps / best["long list, public"]!.rps };
    console.log(`  ratio signed / public: playlists ${fmt(ratio.playlist)}×, segments ${fmt(ratio.segment)}×, long replay list ${fmt(ratio.long)}× (target ≥ 0.90×)`);
    console.log(`  worst case, a new signature on every request: playlist ${fmt(cold.playlist)}×, long replay list ${fmt(cold.long)}× (one MD5 + one body build per request)`);
    return ratio;
  } finally {
    await server.stop();
    removeDir(server.dataDir);
  }
}

/** Issue 9's other half: 1,000 buyers race for 100 seats (scripts/bench-tickets, its own server), unless --no-tickets. */
async function ticketRace(): Promise<number> {
  if (process.argv.includes("--no-tickets")) return 0;
  console.log(`\nticket race (load: ${(await Bun.file("/proc/loadavg").text()).trim()})`);
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "bench-tickets.ts"), "--buyers", "1000", "--seats", "100", "--max-seconds", "120"], { stdout: "inherit", stderr: "inherit" });
  return await child.exited;
}

if (import.meta.main) {
  deadline((ROUNDS * 8 * SECONDS + 120 + 150) * 1000, () => process.exit(2));
  console.log(`bench-access (load: ${(await Bun.file("/proc/loadavg").text()).trim()})`);
  await benchMediaTokens();
  process.exit(await ticketRace());
}
