// The container image from the Dockerfile (scripts/container build), run the way the README says (only port and
// volume flags): healthy by its own `livehouse healthcheck`, running as non-root, serves a page and a stream
// published into it, and `podman stop` ends the broadcast into a closed replay.
// Runs on demand (LIVEHOUSE_CONTAINER_TEST=1 scripts/test test/container.test.ts) where podman and a local
// debian:bookworm-slim exist (see docs/operations.md): the image build takes 12 minutes cold here (apt: nodejs/npm,
// ffmpeg; npm ci) and about 1 minute with cached layers, too much for the suite's 15-minute budget on 2 cores.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, freePort } from "./helpers/server";
import { ffprobe, publish, waitFor } from "./live-helpers";

const podman = Bun.which("podman");
const baseImage = podman !== null && Bun.spawnSync([podman, "image", "exists", "docker.io/library/debian:bookworm-slim"]).exitCode === 0;
const available = process.env.LIVEHOUSE_CONTAINER_TEST === "1" && podman !== null && baseImage;
if (!available) console.log("container.test: skipped (set LIVEHOUSE_CONTAINER_TEST=1; needs podman and a local debian:bookworm-slim)");

const TAG = "localhost/livehouse-test";
const suffix = Math.random().toString(36).slice(2, 8);
const NAME = `lh-test-${suffix}`;
const VOLUME = `lh-test-${suffix}`;
let httpPort = 0;
let rtmpPort = 0;

async function run(args: string[], timeoutMs = 180_000): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn([podman!, ...args], { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill(), timeoutMs);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, out: out.trim(), err: err.trim() };
}

const exec = (args: string[]) => run(["exec", NAME, "livehouse", ...args]);

beforeAll(async () => {
  if (!available) return;
  const t0 = performance.now();
  const build = Bun.spawn([join(ROOT, "scripts/container"), "build", TAG], { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, CONTAINER_ENGINE: podman! } });
  const [out, err, code] = await Promise.all([new Response(build.stdout).text(), new Response(build.stderr).text(), build.exited]);
  if (code !== 0) throw new Error(`image build failed:\n${out.slice(-3000)}\n${err.slice(-3000)}`);
  const size = Number((await run(["image", "inspect", "--format", "{{.Size}}", TAG])).out);
  console.log(`container: image ${(size / 1e6).toFixed(0)} MB, build ${Math.round((performance.now() - t0) / 1000)} s (cached layers count)`);
  httpPort = await freePort();
  rtmpPort = await freePort();
  const started = await run(["run", "-d", "--name", NAME, "-p", `127.0.0.1:${httpPort}:8080`, "-p", `127.0.0.1:${rtmpPort}:1935`, "-v", `${VOLUME}:/data`, TAG]);
  if (started.code !== 0) throw new Error(`podman run failed: ${started.err}`);
  await waitFor("the container to answer /healthz", async () => {
    try {
      return (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok;
    } catch {
      return false;
    }
  }, 120_000, 250);
}, 1_200_000);

afterAll(async () => {
  if (!available) return;
  await run(["rm", "-f", "-t", "0", NAME]);
  await run(["volume", "rm", "-f", VOLUME]);
});

test.skipIf(!available)("healthy by its own healthcheck, running as non-root, no Node or Bun inside", async () => {
  // The HEALTHCHECK retries too: a check run while the container is still settling may answer 125/1 once.
  let health = await run(["healthcheck", "run", NAME]);
  for (let i = 0; i < 10 && health.code !== 0; i++) {
    await Bun.sleep(2_000);
    health = await run(["healthcheck", "run", NAME]);
  }
  if (health.code !== 0) throw new Error(`podman healthcheck run: exit ${health.code}: ${health.out} ${health.err}`);
  expect((await run(["exec", NAME, "id", "-u"])).out).toBe("10001");
  const procs = await run(["top", NAME, "user", "args"]);
  expect(procs.out).toContain("livehouse");
  expect(procs.out).not.toMatch(/^root\s/m);
  expect((await run(["exec", NAME, "sh", "-c", "command -v node bun || echo none"])).out).toBe("none");
  expect((await exec(["--version"])).out).toMatch(/^livehouse \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}/);
}, 300_000);

test.skipIf(!available)("serves a page and a stream published into it; `stop` ends the broadcast into a replay", async () => {
  expect((await exec(["user", "create", "--username", "alice", "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  const created = await exec(["room", "create", "--owner", "alice", "--title", "Container"]);
  expect(created.code).toBe(0);
  const room = JSON.parse(created.out) as { slug: string; streamKey: string };
  const base = `http://127.0.0.1:${httpPort}`;
  expect((await fetch(`${base}/r/${room.slug}`)).status).toBe(200);

  const pub = publish(`rtmp://127.0.0.1:${rtmpPort}/live/${room.streamKey}`, { seconds: 60 });
  try {
    await waitFor("a playable stream", async () => (await fetch(`${base}/live/${room.slug}/index.m3u8`)).ok, 30_000);
    const probe = await ffprobe(`${base}/live/${room.slug}/index.m3u8`);
    expect(probe.code).toBe(0);
    expect(probe.out).toContain('"codec_name": "h264"');

    const t0 = performance.now();
    const stop = await run(["stop", NAME]);
    const stopMs = performance.now() - t0;
    expect(stop.code).toBe(0);
    console.log(`container: stop took ${Math.round(stopMs)} ms`);
    expect(stopMs).toBeLessThan(10_000);
  } finally {
    if (pub.proc.exitCode === null) await pub.kill();
  }
  expect((await run(["inspect", "--format", "{{.State.ExitCode}}", NAME])).out).toBe("0");
  const logs = await run(["logs", NAME]);
  expect(`${logs.out}\n${logs.err}`).toContain(`${room.slug} is offline`);
  expect(`${logs.out}\n${logs.err}`).toContain("shutdown: done");

  const mount = (await run(["volume", "inspect", "--format", "{{.Mountpoint}}", VOLUME])).out;
  expect(readdirSync(mount)).not.toContain("livehouse.db-wal");
  const broadcasts = join(mount, "media", "broadcasts");
  const replays = readdirSync(broadcasts).flatMap((id) => readdirSync(join(broadcasts, id)).map((r) => join(broadcasts, id, r, "replay.m3u8"))).filter((p) => existsSync(p));
  expect(replays.length).toBeGreaterThan(0);
  for (const p of replays) expect(readFileSync(p, "utf8").trimEnd()).toEndWith("#EXT-X-ENDLIST");
}, 600_000);
