// Go-live notices through the real server: a real ffmpeg publishes over RTMP, the followers' bells hear the new
// unread count over real WebSockets, a real SMTP sink (Debian's aiosmtpd) receives exactly one go-live mail per
// follower with an address (List-Unsubscribe included), following the unsubscribe link stops the next mail, and
// the schedule / notify-me / e-mail forms refuse bad input with clear errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { publish, waitFor } from "./live-helpers";
import { WsClient } from "./realtime-client";
import { removeDir, startServer, type RunningServer } from "./helpers/server";
import { WebSession } from "./helpers/session";
import { startSmtpSink, type SinkMessage, type SmtpSink } from "./helpers/smtp-sink";

let s: RunningServer;
let sink: SmtpSink;
let room: { slug: string; streamKey: string };
const PASS = "secret-pass-1";
const sessions: Record<string, WebSession> = {};
const TITLE = `Tonight's "jam" <b>&</b> more`;

async function login(username: string): Promise<WebSession> {
  const w = new WebSession(s.url);
  await w.login(username, PASS);
  return w;
}

function bell(w: WebSession): Promise<WsClient> {
  return WsClient.open(`${s.url.replace("http", "ws")}/me/notifications/ws`, { cookie: w.cookieHeader(), origin: s.url });
}

const unreadFrames = (c: WsClient) => c.events().filter((e) => e.type === "unread").map((e) => e.count as number);
const mailsTo = (to: string) => sink.messages().filter((m) => m.headers.get("to") === to);

async function goLive(): Promise<() => Promise<void>> {
  const pub = publish(`${s.rtmpUrl}/${room.streamKey}`, { seconds: 40, size: "320x180", fps: 15 });
  await waitFor("room live", async () => (await (await fetch(`${s.url}/api/v1/rooms/${room.slug}`)).json()).live === true, 30_000);
  return async () => {
    await pub.stop();
    await waitFor("room offline", async () => (await (await fetch(`${s.url}/api/v1/rooms/${room.slug}`)).json()).live === false, 30_000);
  };
}

beforeAll(async () => {
  sink = await startSmtpSink();
  s = await startServer({ args: ["--smtp-url", sink.url, "--smtp-from", "live@livehouse.test", "--golive-mail-minutes", "0", "--segment-seconds", "1", "--publish-grace-ms", "200"] });
  for (const [u, role] of [["host", "creator"], ["fan1", "viewer"], ["fan2", "viewer"], ["fan3", "viewer"], ["stranger", "viewer"], ["planner", "viewer"]] as const) {
    expect((await s.cli(["user", "create", "--username", u, "--password", PASS, "--role", role])).code).toBe(0);
  }
  room = (await s.cli(["room", "create", "--owner", "host", "--title", TITLE])).json;
  for (const u of ["host", "fan1", "fan2", "fan3", "stranger", "planner"]) sessions[u] = await login(u);
}, 90_000);

afterAll(async () => {
  await s?.stop();
  sink?.stop();
  if (s) removeDir(s.dataDir);
});

describe("go-live notices", () => {
  test("forms: follow, addresses (a bad one is a 422 with the reason), schedule (past → 422), notify me", async () => {
    for (const u of ["fan1", "fan2", "fan3"]) expect((await sessions[u]!.postForm(`/r/${room.slug}/follow`, { on: "1" })).status).toBe(303);
    for (const u of ["fan1", "fan2", "stranger", "planner"]) {
      const r = await sessions[u]!.postForm("/me/notifications/email", { email: `${u}@example.test` });
      expect(r.status).toBe(303);
    }
    const bad = await sessions.fan3!.postForm("/me/notifications/email", { email: "not an address" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("That is not an e-mail address.");
    const page = await sessions.fan1!.page("/me/notifications");
    expect(page.body).toContain('value="fan1@example.test"');

    const past = await sessions.host!.postForm(`/notify/rooms/${room.slug}/schedule`, { at: "2001-01-01T10:00" });
    expect(past.status).toBe(422);
    expect(await past.text()).toContain("Pick a time in the future");
    expect((await sessions.host!.postForm(`/notify/rooms/${room.slug}/schedule`, { at: "garbage" })).status).toBe(422);
    expect((await sessions.fan1!.postForm(`/notify/rooms/${room.slug}/schedule`, { at: "2099-01-01T10:00" })).status).toBe(403);
    const ok = await sessions.host!.postForm(`/notify/rooms/${room.slug}/schedule`, { at: "2099-01-01T10:00" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('datetime="2099-01-01T10:00:00.000Z"');

    const box = await (await sessions.planner!.fetch(`/notify/rooms/${room.slug}`)).text();
    expect(box).toContain("Notify me");
    const on = await sessions.planner!.postForm(`/notify/rooms/${room.slug}`, { on: "1" });
    expect(await on.text()).toContain('aria-pressed="true"');
    expect((await new WebSession(s.url).postForm(`/notify/rooms/${room.slug}`, { on: "1" })).status).toBe(403); // no CSRF token
    expect((await sessions.planner!.postForm("/notify/rooms/no-such-room", { on: "1" })).status).toBe(404);
  }, 30_000);

  test("the bell socket: signed-in pages only, same origin only; it opens with the unread count", async () => {
    await expect(WsClient.open(`${s.url.replace("http", "ws")}/me/notifications/ws`)).rejects.toThrow();
    await expect(WsClient.open(`${s.url.replace("http", "ws")}/me/notifications/ws`, { cookie: sessions.fan1!.cookieHeader(), origin: "http://evil.example" })).rejects.toThrow();
    const c = await bell(sessions.fan1!);
    await c.waitEvent((e) => e.type === "unread" && e.count === 0, "unread 0");
    c.close();
  });

  test("going live: bells show 1 at once, one mail per follower with an address (+ notify-me), each in the language its reader last chose, unsubscribe stops the next", async () => {
    // fan2 switches the site to Chinese: their mail comes in Chinese (the subject RFC 2047-encoded).
    expect((await sessions.fan2!.postForm("/lang", { lang: "zh", back: "/" })).status).toBe(303);
    const subject = (m: SinkMessage) => {
      const v = m.headers.get("subject") ?? "";
      const b = /^=\?UTF-8\?B\?(.*)\?=$/.exec(v);
      return b ? Buffer.from(b[1]!, "base64").toString("utf8") : v;
    };
    const b1 = await bell(sessions.fan1!);
    const b3 = await bell(sessions.fan3!);
    await b1.waitEvent((e) => e.type === "unread" && e.count === 0);
    const end = await goLive();
    await b1.waitEvent((e) => e.type === "unread" && e.count === 1, "fan1 unread 1");
    await b3.waitEvent((e) => e.type === "unread" && e.count === 1, "fan3 unread 1");

    await waitFor("3 go-live mails", () => sink.messages().length >= 3, 20_000);
    await Bun.sleep(2_500); // one more sweep: nothing else may arrive
    const first = sink.messages();
    expect(first.map((m) => m.headers.get("to")).sort()).toEqual(["fan1@example.test", "fan2@example.test", "planner@example.test"]);
    for (const m of first) {
      if (m.headers.get("to") === "fan2@example.test") {
        expect(subject(m)).toBe(`host 正在直播：${TITLE}`);
        expect(m.body).toContain("开播了");
      } else expect(subject(m)).toBe(`host is live: ${TITLE}`);
      expect(m.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      expect(m.headers.get("list-unsubscribe")).toMatch(new RegExp(`^<http://localhost:${s.httpPort}/unsubscribe/[A-Za-z0-9_-]{32}>$`));
      expect(m.body).toContain(`http://localhost:${s.httpPort}/r/${room.slug}`);
    }
    // The stranger follows nobody: no notice, no mail. fan3 gave no address: the notice only.
    const strangerApi = await (await sessions.stranger!.fetch("/api/v1/me/notifications")).json();
    expect(strangerApi.unread).toBe(0);
    const fan3Api = await (await sessions.fan3!.fetch("/api/v1/me/notifications")).json();
    expect(fan3Api).toMatchObject({ unread: 1, notifications: [{ kind: "room.live", url: `/r/${room.slug}`, read: false, text: `host is live: ${TITLE}` }] });
    const centre = (await sessions.fan3!.page("/me/notifications")).body;
    expect(centre).toContain("host is live: Tonight&#x27;s &quot;jam&quot; &lt;b&gt;&amp;&lt;/b&gt; more");

    // fan1 follows the link in the mail (the path; the test server's public origin is localhost).
    const link = (m: SinkMessage) => m.headers.get("list-unsubscribe")!.slice(1, -1).replace(`http://localhost:${s.httpPort}`, s.url);
    const un = await fetch(link(first.find((m) => m.headers.get("to") === "fan1@example.test")!));
    expect(un.status).toBe(200);
    expect(await un.text()).toContain("You will get no more go-live e-mail from host.");
    expect((await fetch(`${s.url}/unsubscribe/not-a-real-token-at-all-xxxxx`)).status).toBe(404);

    // Reading a notice clears the bell at once.
    const read = await sessions.fan1!.postForm("/me/notifications/read", {});
    expect(read.status).toBe(303);
    await waitFor("fan1's bell back to 0", () => unreadFrames(b1).at(-1) === 0, 8_000);
    expect((await sessions.fan1!.postForm("/me/notifications/read", { id: "x1" })).status).toBe(422);

    // Back to English: the next mail follows.
    expect((await sessions.fan2!.postForm("/lang", { lang: "en", back: "/" })).status).toBe(303);
    await end();
    const again = await goLive();
    await waitFor("fan1's bell at 1 again", () => unreadFrames(b1).at(-1) === 1, 15_000);
    await waitFor("the second round", () => sink.messages().length >= 4, 20_000);
    await Bun.sleep(2_500);
    const second = sink.messages().slice(first.length);
    // fan1 unsubscribed; the planner's notify-me was for one live only.
    expect(second.map((m) => m.headers.get("to"))).toEqual(["fan2@example.test"]);
    expect(subject(second[0]!)).toBe(`host is live: ${TITLE}`);
    expect(mailsTo("fan1@example.test").length).toBe(1);

    // One-click (RFC 8058): the mail client POSTs without cookies or CSRF token.
    const oneClick = await fetch(link(second[0]!), { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(oneClick.status).toBe(200);
    await again();
    b1.close();
    b3.close();
  }, 120_000);

  test("shutdown closes the bells itself (1012 \"service restart\", so pages reconnect) and exits promptly", async () => {
    const ws = new WebSocket(`${s.url.replace("http", "ws")}/me/notifications/ws`, { headers: { cookie: sessions.fan2!.cookieHeader(), origin: s.url } } as unknown as string[]);
    const closed = new Promise<number>((resolve) => (ws.onclose = (e) => resolve(e.code)));
    await new Promise<void>((resolve) => (ws.onmessage = () => resolve()));
    const t0 = Date.now();
    await s.stop("SIGTERM");
    expect(s.proc.exitCode).toBe(0);
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(await closed).toBe(1012);
  }, 30_000);
});
