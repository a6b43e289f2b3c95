// scripts/bench-hls: HLS serving. Livehouse's routes beside a bare Bun.serve file server (scripts/bench-hls-bare.ts)
// on the same files, in the same run, both as child processes on 127.0.0.1:
//   - simulated viewers on a live 720p30 stream: each polls its rendition playlist every second and fetches
//     each new segment; requests/s, p50/p99, errors,
//   - a wrk-style run (N connections flat out) on a playlist and on a ~200 KB segment of the replay.
// Bounded: fixed phase lengths, a hard deadline.
import type { Subprocess } from "bun";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { removeDir } from "../test/helpers/server";
import { publishArgs, waitFor } from "../test/live-helpers";
import { deadline, fmt, liveServer, opt, pct } from "./bench-live-lib";

const VIEWERS = opt("viewers", 300);
const VIEW_S = opt("viewer-seconds", 10);
const CONNS = opt("connections", 64);
const WRK_S = opt("wrk-seconds", 5);
const BUN = join(import.meta.dir, "..", "node_modules/.bin/bun");

interface Stats {
  ok: number;
  errors: number;
  bytes: number;
  lat: number[];
}
const newStats = (): Stats => ({ ok: 0, errors: 0, bytes: 0, lat: [] });

async function get(url: string, st: Stats): Promise<Response | null> {
  const t = performance.now();
  try {
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    st.lat.push(performance.now() - t);
    if (!res.ok) {
      st.errors++;
      return null;
    }
    st.ok++;
    st.bytes += body.byteLength;
    return new Response(body, { headers: res.headers });
  } catch {
    st.errors++;
    return null;
  }
}

/** Viewers: playlist every second, then any segment not fetched yet (newest first). */
async function viewers(playlistUrl: (rung: string) => string, segUrl: (rung: string, name: string) => string, rungs: string[]): Promise<{ pl: Stats; seg: Stats; secs: number }> {
  const pl = newStats();
  const seg = newStats();
  const end = performance.now() + VIEW_S * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: VIEWERS }, async (_, i) => {
      const rung = rungs[i % rungs.length]!;
      const have = new Set<string>();
      await Bun.sleep((i * 1000) / VIEWERS);
      while (performance.now() < end) {
        const t = performance.now();
        const res = await get(playlistUrl(rung), pl);
        if (res) {
          const names = (await res.text()).split("\n").filter((l) => l.endsWith(".ts"));
          const fresh = names.filter((n) => !have.has(n));
          if (have.size === 0) fresh.splice(0, Math.max(0, fresh.length - 1));
          for (const n of fresh) {
            have.add(n);
            await get(segUrl(rung, n), seg);
          }
        }
        await Bun.sleep(Math.max(0, 1000 - (performance.now() - t)));
      }
    }),
  );
  return { pl, seg, secs: (performance.now() - started) / 1000 };
}

async function wrk(url: string): Promise<{ st: Stats; secs: number }> {
  const st = newStats();
  const end = performance.now() + WRK_S * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNS }, async () => {
    while (performance.now() < end) await get(url, st);
  }));
  return { st, secs: (performance.now() - started) / 1000 };
}

const line = (label: string, st: Stats, secs: number) =>
  `  ${label.padEnd(34)} ${fmt(st.ok / secs, 0).padStart(7)} req/s  p50 ${fmt(pct(st.lat, 50), 1)} ms  p99 ${fmt(pct(st.lat, 99), 1)} ms  ${fmt(st.bytes / secs / 1e6, 1)} MB/s  errors ${st.errors}`;

const { server, rooms } = await liveServer(["--segment-seconds", "1"], 1);
let bare: Subprocess | null = null;
deadline((VIEW_S * 2 + WRK_S * 8 + 150) * 1000, () => (server.proc.kill("SIGKILL"), bare?.kill("SIGKILL")));
const room = rooms[0]!;
try {
  const pub = Bun.spawn(publishArgs(`${server.rtmpUrl}/${room.streamKey}`, { size: "1280x720", fps: 30, gop: 30, seconds: VIEW_S * 2 + 15 }), { stdout: "ignore", stderr: "ignore" });
  await waitFor("room live", async () => ((await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 30_000);
  const root = join(server.dataDir, "media", "broadcasts");
  const dir = join(root, readdirSync(root).sort((a, b) => Number(b) - Number(a))[0]!);
  bare = Bun.spawn([BUN, join(import.meta.dir, "bench-hls-bare.ts"), dir], { stdout: "pipe", stderr: "inherit" });
  const reader = (bare.stdout as ReadableStream<Uint8Array>).getReader();
  const barePort = Number(new TextDecoder().decode((await reader.read()).value).trim());
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const rungs = readdirSync(dir).filter((n) => /^\d+p$/.test(n)).sort((a, b) => parseInt(b) - parseInt(a));
  await Bun.sleep(3000);
  console.log(`bench-hls: ${VIEWERS} viewers × ${VIEW_S} s on a live 720p30 stream (1 s segments, rungs ${rungs.join("/")}); then ${CONNS} connections × ${WRK_S} s flat out`);
  const oursV = await viewers((r) => `${server.url}/live/${room.slug}/${r}/index.m3u8`, (r, n) => `${server.url}/live/${room.slug}/${r}/${n}`, rungs);
  const bareV = await viewers((r) => `${bareUrl}/${r}/index.m3u8`, (r, n) => `${bareUrl}/${r}/${n}`, rungs);
  console.log("live viewers (playlist poll + new segments):");
  console.log(line("Livehouse playlists", oursV.pl, oursV.secs));
  console.log(line("Livehouse segments", oursV.seg, oursV.secs));
  console.log(line("bare Bun.serve playlists", bareV.pl, bareV.secs));
  console.log(line("bare Bun.serve segments", bareV.seg, bareV.secs));
  const total = (v: typeof oursV) => (v.pl.ok + v.seg.ok) / v.secs;
  console.log(`  ratio Livehouse / bare: ${fmt(total(oursV) / total(bareV))}× requests/s, p99 ${fmt(pct([...oursV.pl.lat, ...oursV.seg.lat], 99) / pct([...bareV.pl.lat, ...bareV.seg.lat], 99))}×`);
  pub.kill("SIGINT");
  await pub.exited;
  await waitFor("room offline", async () => !((await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 15_000);
  const id = dir.slice(dir.lastIndexOf("/") + 1);
  // The replay segment closest to 200 KB.
  const segs = rungs.flatMap((r) => readdirSync(join(dir, r)).filter((n) => n.endsWith(".ts")).map((n) => ({ r, n, size: statSync(join(dir, r, n)).size })));
  const seg = segs.sort((a, b) => Math.abs(a.size - 200_000) - Math.abs(b.size - 200_000))[0]!;
  console.log(`wrk-style, ${CONNS} connections, best of 2 alternating rounds (replay playlist; segment ${seg.r}/${seg.n}, ${Math.round(seg.size / 1000)} KB):`);
  const runs = [
    ["Livehouse playlist", `${server.url}/replays/${id}/${rungs[0]}/index.m3u8`],
    ["bare Bun.serve playlist", `${bareUrl}/${rungs[0]}/replay.m3u8`],
    ["Livehouse segment", `${server.url}/replays/${id}/${seg.r}/${seg.n}`],
    ["bare Bun.serve segment", `${bareUrl}/${seg.r}/${seg.n}`],
  ] as const;
  // Client and servers share 2 cores, so runs are noisy: alternate the sides over rounds and keep each one's best.
  const res: Record<string, { st: Stats; secs: number }> = {};
  const ROUNDS = 2;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, url] of runs) {
      const r = await wrk(url);
      if (!res[label] || r.st.ok / r.secs > res[label]!.st.ok / res[label]!.secs) res[label] = r;
    }
  }
  for (const [label] of runs) console.log(line(label, res[label]!.st, res[label]!.secs));
  const rps = (k: string) => res[k]!.st.ok / res[k]!.secs;
  console.log(`  ratio Livehouse / bare: playlists ${fmt(rps("Livehouse playlist") / rps("bare Bun.serve playlist"))}×, segments ${fmt(rps("Livehouse segment") / rps("bare Bun.serve segment"))}×`);
} catch (err) {
  console.error(err);
} finally {
  bare?.kill();
  await server.stop();
  removeDir(server.dataDir);
}
process.exit(0);
