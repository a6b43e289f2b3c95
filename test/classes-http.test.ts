// Classes, tickets, memberships and Q&A driven through the real server: the CLI contract, the capacity race over
// HTTP (exactly capacity 201s, the rest 409), 402/409/refund through the API, the reminder reaching a real SMTP
// sink (Debian's aiosmtpd), and Q&A events seen by a second WebSocket client.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startSmtpSink, type SmtpSink } from "./helpers/smtp-sink";
import { removeDir, startServer, tempDataDir, type RunningServer } from "./helpers/server";
import { WsClient } from "./realtime-client";
import { api, seedUsers, type Seeded } from "./classes-helpers";

const BUYERS = 200;
const SEATS = 20;

let server: RunningServer;
let sink: SmtpSink;
let teacher: Seeded;
let buyers: Seeded[];
let poor: Seeded;

beforeAll(async () => {
  const dataDir = tempDataDir("lh-classes-");
  const seeded = seedUsers(dataDir, [
    { username: "teacher", role: "creator" },
    ...Array.from({ length: BUYERS }, (_, i) => ({ username: `buyer${i}`, coins: 1000 })),
    { username: "poor", coins: 5 },
  ]);
  teacher = seeded[0]!;
  buyers = seeded.slice(1, BUYERS + 1);
  poor = seeded.at(-1)!;
  sink = await startSmtpSink();
  server = await startServer({ dataDir, args: ["--smtp-url", sink.url, "--smtp-from", "classes@livehouse.test", "--class-reminder-minutes", "30"] });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  sink?.stop();
  if (server) removeDir(server.dataDir);
});

describe("classes over the real server", () => {
  test("CLI: class create → { id, room, url }; membership tier create → { id }; bad input is one clear line", async () => {
    const starts = new Date(Date.now() + 86_400_000).toISOString();
    const c = await server.cli(["class", "create", "--owner", "teacher", "--title", "Intro", "--starts", starts, "--minutes", "45", "--price", "10", "--currency", "COIN", "--capacity", "5"]);
    expect(c.code).toBe(0);
    const { id, room, url } = c.json;
    expect([typeof id, typeof room, url]).toEqual(["number", "string", `/classes/${id}`]);
    const again = await server.cli(["class", "create", "--owner", "teacher", "--title", "Again", "--starts", starts, "--minutes", "45", "--price", "0", "--currency", "COIN", "--room", room]);
    expect(again.json.room).toBe(room);
    const bad = await server.cli(["class", "create", "--owner", "teacher", "--title", "X", "--starts", "tomorrow", "--minutes", "45", "--price", "0", "--currency", "COIN"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--starts");
    const tier = await server.cli(["membership", "tier", "create", "--owner", "teacher", "--name", "Fan", "--price", "50", "--currency", "COIN"]);
    expect(tier.code).toBe(0);
    expect(tier.json).toMatchObject({ id: expect.any(Number), name: "Fan" });
    const grant = await server.cli(["ticket", "grant", "--class", String(id), "--username", "buyer0"]);
    expect([grant.json.status, grant.json.classId]).toEqual(["valid", id]);
    const twice = await server.cli(["ticket", "grant", "--class", String(id), "--username", "buyer0"]);
    expect(twice.code).not.toBe(0);
    const list = await api(server.url, buyers[0]!.token)("GET", "/api/v1/me/tickets");
    expect(list.json.tickets.map((x: { classId: number }) => x.classId)).toContain(id);
  }, 60_000);

  test(`capacity race: ${BUYERS} buyers over HTTP for ${SEATS} seats → exactly ${SEATS} × 201, the rest 409`, async () => {
    const starts = new Date(Date.now() + 86_400_000).toISOString();
    const c = await server.cli(["class", "create", "--owner", "teacher", "--title", "Race", "--starts", starts, "--minutes", "60", "--price", "100", "--currency", "COIN", "--capacity", String(SEATS)]);
    const results = await Promise.all(buyers.map((b, i) => api(server.url, b.token)("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: `race-${i}-abcdef` })));
    const codes = results.map((r) => r.status);
    expect(codes.filter((s) => s === 201).length).toBe(SEATS);
    expect(codes.filter((s) => s === 409).length).toBe(BUYERS - SEATS);
    const cls = await api(server.url, teacher.token)("GET", `/api/v1/classes/${c.json.id}`);
    expect(cls.json).toMatchObject({ seatsTaken: SEATS, seatsLeft: 0 });
    const held = await api(server.url, teacher.token)("GET", `/api/v1/classes/${c.json.id}/tickets`);
    expect(held.json.tickets.filter((t: { status: string }) => t.status === "valid").length).toBe(SEATS);
    const check = await server.cli(["wallet", "check"]);
    expect(check.code).toBe(0);
  }, 120_000);

  test("API: 402 short coins, 409 repeat, refund by the teacher (not the holder) returns coins and frees the seat", async () => {
    const starts = new Date(Date.now() + 86_400_000).toISOString();
    const c = await server.cli(["class", "create", "--owner", "teacher", "--title", "Small", "--starts", starts, "--minutes", "60", "--price", "100", "--currency", "COIN", "--capacity", "1"]);
    const short = await api(server.url, poor.token)("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "poor-key-1" });
    expect(short.status).toBe(402);
    const b = buyers[BUYERS - 1]!;
    const call = api(server.url, b.token);
    const before = (await call("GET", "/api/v1/me/wallet")).json.coins;
    const first = await call("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "small-key-1" });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ status: "valid", price: { minor: 100, currency: "COIN" } });
    expect((await call("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "small-key-1" })).json.replay).toBe(true);
    expect((await call("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "small-key-2" })).status).toBe(409);
    expect((await call("POST", `/api/v1/tickets/${first.json.id}/refund`)).status).toBe(403);
    expect((await api(server.url, buyers[BUYERS - 2]!.token)("POST", `/api/v1/tickets/${first.json.id}/refund`)).status).toBe(404);
    const refund = await api(server.url, teacher.token)("POST", `/api/v1/tickets/${first.json.id}/refund`);
    expect(refund.status).toBe(200);
    expect(refund.json.status).toBe("refunded");
    expect((await call("GET", "/api/v1/me/wallet")).json.coins).toBe(before);
    expect((await api(server.url, teacher.token)("POST", `/api/v1/tickets/${first.json.id}/refund`)).status).toBe(409);
    expect((await api(server.url, buyers[BUYERS - 2]!.token)("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "small-key-3" })).status).toBe(201);
    expect((await call("GET", `/api/v1/classes/999999`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/classes/${c.json.id}/tickets`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBeGreaterThanOrEqual(401);
  }, 60_000);

  test("memberships over the API: join with coins, cancel keeps access until the period's end", async () => {
    const tiers = await api(server.url, buyers[1]!.token)("GET", "/api/v1/creators/teacher/memberships");
    const tierId = tiers.json.tiers[0].id;
    const join = await api(server.url, buyers[1]!.token)("POST", "/api/v1/creators/teacher/memberships", { tierId, provider: "wallet", idempotencyKey: "member-key-1" });
    expect(join.status).toBe(201);
    expect(join.json.membership).toMatchObject({ status: "active", tier: "Fan" });
    const cancel = await api(server.url, buyers[1]!.token)("DELETE", "/api/v1/creators/teacher/memberships");
    expect(cancel.json.status).toBe("cancelled");
    expect(Date.parse(cancel.json.periodEnd)).toBeGreaterThan(Date.now());
    const refused = await api(server.url, poor.token)("POST", "/api/v1/creators/teacher/memberships", { tierId, provider: "wallet", idempotencyKey: "member-key-2" });
    expect(refused.status).toBe(402);
  }, 60_000);

  test("members-only chat: a non-member is refused, a member chats with the tier's badge", async () => {
    const room = (await api(server.url, teacher.token)("GET", "/api/v1/classes")).json.classes[0].room;
    const vip = await api(server.url, teacher.token)("POST", "/api/v1/creators/teacher/tiers", { name: "VIP", price: 10, currency: "COIN", badge: "★" });
    expect(vip.status).toBe(201);
    expect((await api(server.url, buyers[9]!.token)("POST", "/api/v1/creators/teacher/memberships", { tierId: vip.json.id, provider: "wallet", idempotencyKey: "vip-key-1" })).status).toBe(201);
    expect((await api(server.url, buyers[9]!.token)("PUT", `/api/v1/rooms/${room}/chat/members-only`, { enabled: true })).status).toBe(403);
    expect((await api(server.url, teacher.token)("PUT", `/api/v1/rooms/${room}/chat/members-only`, { enabled: true })).json.membersOnly).toBe(true);
    const ws = await WsClient.open(`${server.url.replace("http", "ws")}/api/v1/rooms/${room}/events?token=${teacher.token}`);
    expect((await api(server.url, buyers[10]!.token)("POST", `/api/v1/rooms/${room}/chat`, { text: "let me in" })).status).toBe(403);
    expect((await api(server.url, buyers[9]!.token)("POST", `/api/v1/rooms/${room}/chat`, { text: "hello members" })).status).toBe(201);
    const e = await ws.waitEvent((x) => x.type === "chat" && x.text === "hello members" && !x.history, "member chat");
    expect(e.badge).toBe("★");
    await api(server.url, teacher.token)("PUT", `/api/v1/rooms/${room}/chat/members-only`, { enabled: false });
    expect((await api(server.url, buyers[10]!.token)("POST", `/api/v1/rooms/${room}/chat`, { text: "now open" })).status).toBe(201);
    ws.close();
  }, 60_000);

  test("the reminder reaches the SMTP sink and the holder's notices; the room hears class.reminder", async () => {
    const starts = new Date(Date.now() + 20 * 60_000).toISOString();
    const c = await server.cli(["class", "create", "--owner", "teacher", "--title", "Reminder test", "--starts", starts, "--minutes", "30", "--price", "1", "--currency", "COIN"]);
    const b = buyers[2]!;
    const ws = await WsClient.open(`${server.url.replace("http", "ws")}/api/v1/rooms/${c.json.room}/events?token=${teacher.token}`);
    const bought = await api(server.url, b.token)("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "remind-key-1", email: "student@example.test" });
    expect(bought.status).toBe(201);
    await ws.waitEvent((e) => e.type === "class.reminder" && e.classId === c.json.id, "class.reminder");
    const deadline = Date.now() + 15_000;
    while (!sink.output().includes("Reminder test") && Date.now() < deadline) await Bun.sleep(100);
    expect(sink.output()).toContain("student@example.test");
    expect(sink.output()).toContain("Subject: Reminder: Reminder test starts soon");
    const notices = await api(server.url, b.token)("GET", "/api/v1/me/notices");
    expect(notices.json.notices[0]).toMatchObject({ kind: "class.reminder", url: `/classes/${c.json.id}` });
    ws.close();
  }, 60_000);

  test("Q&A: upvotes order the queue; answered and pinned are seen by a second WebSocket client", async () => {
    const room = (await api(server.url, teacher.token)("GET", "/api/v1/classes")).json.classes[0].room;
    const other = await WsClient.open(`${server.url.replace("http", "ws")}/api/v1/rooms/${room}/events?token=${buyers[5]!.token}`);
    const q1 = await api(server.url, buyers[3]!.token)("POST", `/api/v1/rooms/${room}/questions`, { text: "What is a group?" });
    const q2 = await api(server.url, buyers[4]!.token)("POST", `/api/v1/rooms/${room}/questions`, { text: "Is 0 natural?" });
    expect(q1.status).toBe(201);
    for (const b of buyers.slice(6, 9)) expect((await api(server.url, b.token)("POST", `/api/v1/rooms/${room}/questions/${q2.json.id}/upvote`)).status).toBe(200);
    expect((await api(server.url, buyers[6]!.token)("POST", `/api/v1/rooms/${room}/questions/${q2.json.id}/upvote`)).status).toBe(409);
    const queue = await api(server.url, buyers[3]!.token)("GET", `/api/v1/rooms/${room}/questions`);
    expect(queue.json.questions.map((q: { id: number }) => q.id)).toEqual([q2.json.id, q1.json.id]);
    expect((await api(server.url, buyers[3]!.token)("POST", `/api/v1/rooms/${room}/questions/${q1.json.id}/moderate`, { action: "pin" })).status).toBe(403);
    expect((await api(server.url, teacher.token)("POST", `/api/v1/rooms/${room}/questions/${q1.json.id}/moderate`, { action: "pin" })).status).toBe(200);
    expect((await api(server.url, teacher.token)("POST", `/api/v1/rooms/${room}/questions/${q2.json.id}/moderate`, { action: "answered" })).status).toBe(200);
    await other.waitEvent((e) => e.type === "question" && e.id === q2.json.id && e.votes === 3, "upvoted question");
    await other.waitEvent((e) => e.type === "question" && e.id === q1.json.id && e.pinned === true, "pinned question");
    await other.waitEvent((e) => e.type === "question" && e.id === q2.json.id && e.answered === true, "answered question");
    const after = await api(server.url, buyers[3]!.token)("GET", `/api/v1/rooms/${room}/questions`);
    expect(after.json.questions.map((q: { id: number; answered: boolean }) => [q.id, q.answered])).toEqual([[q1.json.id, false], [q2.json.id, true]]);
    other.close();
  }, 60_000);

  test("pages: catalogue, class page with calendar link, the .ics file, studio desk needs the teacher", async () => {
    const list = await fetch(`${server.url}/classes`);
    const html = await list.text();
    expect(list.status).toBe(200);
    expect(html).toContain("Race");
    const id = (await api(server.url, teacher.token)("GET", "/api/v1/classes")).json.classes[0].id;
    const page = await (await fetch(`${server.url}/classes/${id}`)).text();
    expect(page).toContain(`/classes/${id}/calendar.ics`);
    const ics = await fetch(`${server.url}/classes/${id}/calendar.ics`);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    expect(await ics.text()).toContain("BEGIN:VEVENT\r\n");
    expect((await fetch(`${server.url}/studio/classes/${id}`, { redirect: "manual" })).status).toBe(303);
    const room = (await api(server.url, teacher.token)("GET", "/api/v1/classes")).json.classes[0].room;
    await api(server.url, buyers[11]!.token)("POST", `/api/v1/rooms/${room}/questions`, { text: "<b>bold?</b>" });
    const qa = await (await fetch(`${server.url}/r/${room}/qa`)).text();
    expect(qa).toContain("What is a group?");
    expect(qa).toContain("&lt;b&gt;bold?&lt;/b&gt;");
    expect(qa).not.toContain("<b>bold?</b>");
    expect(await (await fetch(`${server.url}/r/${room}`)).text()).toContain(`/r/${room}/qa`);
  }, 60_000);
  test("a ticket room: the holder gets a playback token, a refund cuts new ones at once", async () => {
    const starts = new Date(Date.now() + 10 * 60_000).toISOString();
    const c = await server.cli(["class", "create", "--owner", "teacher", "--title", "Live now", "--starts", starts, "--minutes", "60", "--price", "10", "--currency", "COIN"]);
    expect((await server.cli(["room", "access", "--room", c.json.room, "--mode", "ticket"])).code).toBe(0);
    const holder = api(server.url, buyers[BUYERS - 3]!.token);
    const playback = () => holder("GET", `/api/v1/rooms/${c.json.room}/playback`);
    expect((await playback()).status).toBe(403);
    const ticket = await holder("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: "live-now-key-1" });
    expect(ticket.status).toBe(201);
    const play = await playback();
    expect(play.status).toBe(200);
    expect(play.json.hls).toMatch(/\?md5=[\w-]{22}&expires=\d+$/);
    expect((await api(server.url, teacher.token)("POST", `/api/v1/tickets/${ticket.json.id}/refund`)).status).toBe(200);
    expect((await playback()).status).toBe(403);
    expect((await holder("GET", `/api/v1/rooms/${c.json.room}`)).json.entitled).toBe(false);
  }, 60_000);
});
