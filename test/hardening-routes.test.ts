// Route-level regression tests for the hardening issue (13), in-process through app.handle on a fresh database.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createUser } from "../server/accounts/accounts";
import { testApp, type TestApp } from "./helpers/app";
import type { WebSession } from "./helpers/session";

let lh: TestApp;
let creator: WebSession;

beforeAll(async () => {
  lh = await testApp();
  await createUser(lh.deps.db, { username: "admin", password: "password123", role: "admin" });
  await createUser(lh.deps.db, { username: "maker", password: "password123", role: "creator" });
  await createUser(lh.deps.db, { username: "buyer5", password: "password123", role: "viewer" });
  creator = lh.session();
  await creator.login("maker", "password123");
});
afterAll(() => lh.stop());

test("finding 5: the login limiter keys on the name as login matches it (trimmed, case-folded)", async () => {
  const s = lh.session();
  await s.page("/login");
  for (let i = 0; i < 5; i++) expect((await s.postForm("/login", { username: "buyer5", password: "wrong-pass" })).status).toBe(401);
  for (const spelling of [" buyer5", "BUYER5 ", "\tBuyer5"]) {
    expect((await s.postForm("/login", { username: spelling, password: "wrong-pass" })).status).toBe(429);
  }
  // The right password under another spelling is still limited: the window belongs to the account.
  expect((await s.postForm("/login", { username: " Buyer5", password: "password123" })).status).toBe(429);
});

test("finding 8: an impossible date filter is a clear 422, not a 500", async () => {
  for (const q of ["from=9999-99-99", "to=2026-02-31", "from=2026-13-01", "to=0000-00-00"]) {
    for (const path of ["/studio/shop/orders", "/studio/shop/orders.csv"]) {
      const res = await creator.fetch(`${path}?${q}`);
      expect({ q, path, status: res.status }).toEqual({ q, path, status: 422 });
      expect(await res.text()).toContain("YYYY-MM-DD");
    }
  }
  const ok = await creator.fetch("/studio/shop/orders?from=2026-01-01&to=2026-12-31");
  expect(ok.status).toBe(200);
  expect(await ok.text()).toContain('value="2026-01-01"');
});

test("finding 3: sign-up is rate-limited per address", async () => {
  const small = await testApp(["--signups-per-ip-per-hour", "3"]);
  try {
    await createUser(small.deps.db, { username: "admin", password: "password123", role: "admin" });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = small.session();
      await s.page("/signup");
      statuses.push((await s.postForm("/signup", { username: `newbie${i}`, password: "password123" })).status);
    }
    expect(statuses).toEqual([303, 303, 303, 429, 429]);
  } finally {
    await small.stop();
  }
});

test("finding 10: made-up viewer ids do not inflate the count; a signed-in viewer counts once", async () => {
  const { createRoom } = await import("../server/rooms/rooms");
  const small = await testApp(["--anon-viewers-per-ip", "5"]);
  try {
    const owner = await createUser(small.deps.db, { username: "host", password: "password123", role: "creator" });
    const viewer = await createUser(small.deps.db, { username: "pupil", password: "password123", role: "viewer" });
    if (!owner.ok || !viewer.ok) throw new Error("users");
    const room = createRoom(small.deps.db, owner.value, { title: "Class", description: "", category: "education", tags: "" });
    if (!room.ok) throw new Error(JSON.stringify(room.errors));
    const slug = room.value.slug;
    const ping = (s: WebSession, v: string) => s.fetch(`/api/v1/rooms/${slug}/ping?v=${v}`);
    const anon = small.session();
    for (let i = 0; i < 40; i++) expect((await ping(anon, `made-up-viewer-${i}`)).status).toBe(204);
    const viewers = async () => (await (await small.app.handle(new Request(`http://localhost/api/v1/rooms/${slug}`))).json()).viewers;
    expect(await viewers()).toBe(5);
    const pupil = small.session();
    await pupil.login("pupil", "password123");
    for (let i = 0; i < 10; i++) await ping(pupil, `pupil-tab-${i}`);
    expect(await viewers()).toBe(6);
  } finally {
    await small.stop();
  }
});
