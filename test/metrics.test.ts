// /metrics on the real server while a room is live: promtool (Debian's prometheus package) accepts the output,
// the required names are there, HTTP series carry route patterns (never raw paths), and access is enforced.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { publish, waitFor, type Publisher } from "./live-helpers";

let s: RunningServer;
let pub: Publisher;
let slug = "";

beforeAll(async () => {
  s = await startServer({ args: ["--segment-seconds", "1", "--metrics-token", "scrape-token-1"] });
  expect((await s.cli(["user", "create", "--username", "alice", "--password", "secret-pass-1", "--role", "creator"])).code).toBe(0);
  const room = (await s.cli(["room", "create", "--owner", "alice", "--title", "Metrics"])).json as { slug: string; streamKey: string };
  slug = room.slug;
  const token = (await s.cli(["token", "create", "--username", "alice"])).json.token as string;
  pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 40 });
  await waitFor("a playable stream", async () => (await fetch(`${s.url}/live/${slug}/index.m3u8`)).ok, 20_000);
  for (const text of ["one", "two"]) {
    const r = await fetch(`${s.url}/api/v1/rooms/${slug}/chat`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ text }) });
    expect(r.status).toBe(201);
  }
  for (let i = 0; i < 3; i++) expect((await fetch(`${s.url}/r/${slug}`)).status).toBe(200);
  await fetch(`${s.url}/no/such/page`);
  // a few segments, for lag and transcode speed (which needs two consecutive segments of a rung)
  await waitFor("transcode speed in /metrics", async () => (await (await fetch(`${s.url}/metrics`)).text()).includes("livehouse_transcode_speed{"), 30_000, 250);
}, 120_000);

afterAll(async () => {
  if (pub.proc.exitCode === null) await pub.kill();
  await s.stop();
  removeDir(s.dataDir);
});

test("promtool check metrics passes on the real output, with the required names", async () => {
  const r = await fetch(`${s.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  const text = await r.text();
  const check = Bun.spawn(["promtool", "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(check.stdout).text(), new Response(check.stderr).text(), check.exited]);
  expect(`${out}${err}`.trim()).toBe("");
  expect(code).toBe(0);
  for (const name of ["livehouse_rooms_live 1", "livehouse_viewers ", "livehouse_websocket_connections ", "livehouse_transcoder_restarts_total", "livehouse_http_requests_total{", "livehouse_http_request_duration_seconds_bucket{", "livehouse_chat_messages_total 2", "livehouse_gift_coins_total", "livehouse_gmv_minor_total", "livehouse_ingest_playlist_lag_seconds_count ", "livehouse_transcode_speed{", "livehouse_sqlite_wal_bytes ", "livehouse_sqlite_checkpoint_duration_seconds", "process_cpu_seconds_total ", "process_resident_memory_bytes "])
    expect(text).toContain(name);
  expect(text).toContain(`route="/r/:slug"`);
  expect(text).toContain(`route="/live/:slug/index.m3u8"`);
  expect(text).not.toContain(`/r/${slug}"`);
  expect(text).not.toContain("/no/such/page");
  expect(text).toMatch(/route="unmatched",status="404"/);
});

test("proxied or remote scrapes need the bearer token", async () => {
  const proxied = { "x-forwarded-for": "203.0.113.9" };
  expect((await fetch(`${s.url}/metrics`, { headers: proxied })).status).toBe(401);
  expect((await fetch(`${s.url}/metrics`, { headers: { ...proxied, authorization: "Bearer nope" } })).status).toBe(401);
  expect((await fetch(`${s.url}/metrics`, { headers: { ...proxied, authorization: "Bearer scrape-token-1" } })).status).toBe(200);
});
