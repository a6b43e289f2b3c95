// scripts/bench-edge: viewers of a live room (a real ffmpeg publish, ladder 360p copy + 240p) straight at
// Livehouse and through Debian's nginx with docs/nginx-edge.conf, in the same run. Prints per rung the origin
// requests per segment (edge: nginx's upstream log; both: Livehouse's own /metrics), and the edge's throughput.
// 127.0.0.1 only; bounded by fixed phase lengths and a hard deadline.
import { originPerSegment, startEdge, watchLive, type Edge, type ViewerStats } from "../test/helpers/edge";
import { removeDir } from "../test/helpers/server";
import { publish, waitFor, type Publisher } from "../test/live-helpers";
import { deadline, liveServer, opt } from "./bench-live-lib";

const VIEWERS = opt("viewers", 500);
const SECONDS = opt("seconds", 20);
const EDGE_ONLY = process.argv.includes("--edge");
const SECRET = "bench-edge-secret-0123456789";

const { server, rooms } = await liveServer(["--media-token-secret", SECRET, "--ladder", "360,240"], 1);
const room = rooms[0]!;
let edge: Edge | null = null;
let pub: Publisher | null = null;
const cleanup = () => {
  pub?.proc.kill("SIGKILL");
  void edge?.stop();
  server.proc.kill("SIGKILL");
};
deadline((SECONDS * 2 + 90) * 1000, cleanup);

async function originRequests(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let n = 0;
  for (const line of text.split("\n")) if (line.startsWith('livehouse_http_requests_total{method="GET",route="/live/:slug/:rung/:file"')) n += Number(line.split(" ").pop());
  return n;
}

function report(name: string, st: ViewerStats, origin: number, perRung: string): void {
  console.log(
    `${name.padEnd(8)} viewers ${VIEWERS}, ${st.seconds.toFixed(1)} s: ${(st.playlists / st.seconds).toFixed(0)} playlists/s, ${(st.segments / st.seconds).toFixed(0)} segments/s, ` +
      `${((st.bytes * 8) / 1e6 / st.seconds).toFixed(0)} Mbit/s served, ${st.errors} errors; origin requests ${origin} (${(origin / st.seconds).toFixed(1)}/s); per segment per rung: ${perRung}`,
  );
}

try {
  pub = publish(`${server.rtmpUrl}/${room.streamKey}`, { size: "640x360", fps: 24, gop: 48, seconds: SECONDS * 2 + 60 });
  await waitFor("room live", async () => ((await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()) as { live: boolean }).live, 30_000);
  const rungs = ["360p", "240p"];
  console.log(`bench-edge: ${VIEWERS} viewers for ${SECONDS} s per case, 2 s segments, rungs ${rungs.join(", ")}; load before: ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);

  if (!EDGE_ONLY) {
    const before = await originRequests();
    const st = await watchLive(server.url, room.slug, rungs, VIEWERS, SECONDS);
    const origin = (await originRequests()) - before;
    // Straight at Livehouse, every segment request is an origin request.
    const segs = [...st.distinct.values()].reduce((a, s) => a + s.size, 0);
    report("direct", st, origin, `${(st.segments / Math.max(1, segs)).toFixed(1)} (all rungs; playlists ${st.playlists} more)`);
  }

  edge = await startEdge(server.httpPort, SECRET);
  edge.mark();
  const before = await originRequests();
  const st = await watchLive(edge.url, room.slug, rungs, VIEWERS, SECONDS);
  await Bun.sleep(400);
  const origin = (await originRequests()) - before;
  const lines = edge.lines();
  const perRung = originPerSegment(lines).map((r) => `${r.rung} ${r.originRequests}/${r.segments} = ${r.perSegment.toFixed(2)}`).join(", ");
  // Livehouse's own count, less the segments nginx fetched, is the playlists (background refreshes included).
  const playlists = origin - originPerSegment(lines).reduce((a, r) => a + r.originRequests, 0);
  report("edge", st, origin, `${perRung}; playlists at the origin ${playlists} of ${st.playlists}`);
  console.log(`load after: ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
} finally {
  if (pub && pub.proc.exitCode === null) await pub.stop();
  await edge?.stop();
  await server.stop();
  removeDir(server.dataDir);
}
