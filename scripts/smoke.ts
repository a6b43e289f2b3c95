// Smoke check of a whole install, as a new user would try it: start the server on a scratch data dir, create
// a creator and a room with the CLI, publish 8 s of test video over RTMP, and check that the room goes live,
// the HLS ladder plays in ffprobe, chat answers, and the replay appears. Prints one line per step.
import { removeDir, startServer } from "../test/helpers/server";
import { publish, waitFor } from "../test/live-helpers";

const server = await startServer({ args: ["--segment-seconds", "1"] });
let failed = false;
async function step(name: string, fn: () => Promise<string>): Promise<void> {
  const t0 = performance.now();
  try {
    const detail = await fn();
    console.log(`ok    ${name} (${Math.round(performance.now() - t0)} ms) ${detail}`);
  } catch (err) {
    failed = true;
    console.log(`FAIL  ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

try {
  let room = { slug: "", streamKey: "" };
  let token = "";
  await step("cli: creator, token, room", async () => {
    await server.cli(["user", "create", "--username", "smoke", "--password", "smoke-password", "--role", "creator"]);
    token = (await server.cli(["token", "create", "--username", "smoke"])).json.token;
    room = (await server.cli(["room", "create", "--owner", "smoke", "--title", "Smoke test"])).json;
    return `/r/${room.slug}`;
  });
  const pub = publish(`${server.rtmpUrl}/${room.streamKey}`, { size: "640x360", seconds: 8 });
  await step("publish → live", async () => {
    await waitFor("live", async () => (await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()).live, 20_000);
    return "api reports live";
  });
  await step("HLS ladder plays", async () => {
    const master = await (await fetch(`${server.url}/live/${room.slug}/index.m3u8`)).text();
    const rung = master.split("\n").find((l) => l.endsWith(".m3u8"));
    if (!rung) throw new Error("master playlist has no renditions");
    const probe = Bun.spawn(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", `${server.url}/live/${room.slug}/${rung}`], { stdout: "pipe" });
    const out = (await new Response(probe.stdout).text()).trim().split("\n").slice(0, 2).join(" + ");
    if ((await probe.exited) !== 0) throw new Error("ffprobe could not read the stream");
    return `${master.split("\n").filter((l) => l.endsWith(".m3u8")).length} renditions; ${rung}: ${out}`;
  });
  await step("chat over the API", async () => {
    const res = await fetch(`${server.url}/api/v1/rooms/${room.slug}/chat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text: "hello from smoke" }) });
    if (res.status !== 201) throw new Error(`status ${res.status}`);
    return "201";
  });
  await pub.proc.exited;
  await step("publisher stops → offline, replay listed", async () => {
    await waitFor("offline", async () => !(await (await fetch(`${server.url}/api/v1/rooms/${room.slug}`)).json()).live, 15_000);
    const list = await (await fetch(`${server.url}/r/${room.slug}/replays`)).text();
    const replay = list.match(/\/replays\/(\d+)/)?.[0];
    if (!replay) throw new Error("no replay in the room's replay list");
    const vod = await (await fetch(`${server.url}${replay}/index.m3u8`)).text();
    if (!vod.includes("#EXTM3U")) throw new Error("replay playlist missing");
    return replay;
  });
} finally {
  await server.stop();
  removeDir(server.dataDir);
}
console.log(failed ? "smoke: FAILED" : "smoke: all steps passed");
process.exit(failed ? 1 : 0);
