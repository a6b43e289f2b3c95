// Wallet, redeem codes, gift catalogue, goal, earnings and Studio overlay box through app.handle (scenario style).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser, getUserByUsername } from "../server/accounts/accounts";
import { createRoom } from "../server/rooms/rooms";
import { testApp, type TestApp } from "./helpers/app";
import type { WebSession } from "./helpers/session";

let lh: TestApp;
let admin: WebSession;
let creator: WebSession;
let viewer: WebSession;
let other: WebSession;
let slug = "";

// 1×1 PNG
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

async function as(username: string, role: "admin" | "creator" | "viewer"): Promise<WebSession> {
  const r = await createUser(lh.deps.db, { username, password: "password123", role });
  if (!r.ok) throw new Error("user");
  const s = lh.session();
  await s.login(username, "password123");
  return s;
}

function multipart(fields: Record<string, string | Blob>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

beforeAll(async () => {
  lh = await testApp();
  admin = await as("root", "admin");
  creator = await as("maker", "creator");
  viewer = await as("viewer", "viewer");
  other = await as("other", "viewer");
  const owner = getUserByUsername(lh.deps.db, "maker")!;
  const room = createRoom(lh.deps.db, owner, { title: "Pages room", description: "", category: "other", tags: "" });
  if (!room.ok) throw new Error("room");
  slug = room.value.slug;
});
afterAll(() => lh.stop());

async function balance(s: WebSession): Promise<number> {
  return ((await (await s.fetch("/api/v1/me/wallet")).json()) as { coins: number }).coins;
}

describe("admin credit", () => {
  test("the admin page links to coins and gifts", async () => {
    const { body } = await admin.page("/admin");
    expect(body).toContain('href="/admin/wallet"');
    expect(body).toContain('href="/admin/gifts"');
  });

  const rows: { name: string; who: () => WebSession; fields: Record<string, string>; status: number; contains: string }[] = [
    { name: "credit", who: () => admin, fields: { username: "viewer", coins: "50" }, status: 200, contains: "Credited 50 coins to viewer; their balance is 50." },
    { name: "unknown user", who: () => admin, fields: { username: "ghost", coins: "5" }, status: 404, contains: "There is no user" },
    { name: "bad coins", who: () => admin, fields: { username: "viewer", coins: "-3" }, status: 422, contains: "whole number" },
    { name: "zero coins", who: () => admin, fields: { username: "viewer", coins: "0" }, status: 422, contains: "whole number" },
    { name: "viewer may not credit", who: () => viewer, fields: { username: "viewer", coins: "999" }, status: 403, contains: "not allowed" },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const s = row.who();
      await s.page("/");
      const res = await s.postForm("/admin/wallet/credit", row.fields);
      expect(res.status).toBe(row.status);
      expect(await res.text()).toContain(row.contains);
    });
  }

  test("a form submitted twice credits once; its key reused for another amount is refused", async () => {
    const { body } = await admin.page("/admin/wallet");
    const key = body.match(/name="key" value="([^"]+)"/)![1]!;
    const first = await admin.postForm("/admin/wallet/credit", { username: "other", coins: "7", key });
    expect(await first.text()).toContain("Credited 7 coins to other");
    const again = await admin.postForm("/admin/wallet/credit", { username: "other", coins: "7", key });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("already submitted");
    const other7 = await admin.postForm("/admin/wallet/credit", { username: "other", coins: "8", key });
    expect(other7.status).toBe(409);
    expect(await balance(other)).toBe(7);
  });

  test("the admin sees issued coins, the platform's share, and the ledger check on request", async () => {
    const { body } = await admin.page("/admin/wallet");
    expect(body).toContain('href="/admin/wallet?check=1"');
    expect(body).not.toContain('id="ledger-ok"');
    const checked = await admin.page("/admin/wallet?check=1");
    expect(checked.body).toContain('id="ledger-ok"');
  });

  test("the credit shows in the viewer's wallet and history", async () => {
    expect(await balance(viewer)).toBe(50);
    const { body } = await viewer.page("/wallet");
    expect(body).toContain('id="wallet-balance" class="big">50<');
    expect(body).toContain("Credit from the admin");
    expect((await lh.session().page("/wallet")).res.status).toBe(303);
  });
});

describe("redeem codes", () => {
  test("the admin creates codes; each user redeems once; a used-up code is refused", async () => {
    await admin.page("/admin/wallet");
    const res = await admin.postForm("/admin/wallet/codes", { coins: "20", maxUses: "1", count: "2", note: "launch" });
    expect(res.status).toBe(200);
    const codes = (await res.text()).match(/id="new-codes"[^>]*>([^<]+)</)![1]!.split("\n");
    expect(codes.length).toBe(2);
    await viewer.page("/wallet");
    const first = await viewer.postForm("/wallet/redeem", { code: codes[0]!.toLowerCase() }, { "hx-request": "true" });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("20 coins added. Your balance is 70.");
    const again = await viewer.postForm("/wallet/redeem", { code: codes[0]! }, { "hx-request": "true" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already redeemed");
    await other.page("/wallet");
    const late = await other.postForm("/wallet/redeem", { code: codes[0]! }, { "hx-request": "true" });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("used up");
    const bogus = await other.postForm("/wallet/redeem", { code: "AAAA-BBBB-CCCC" }, { "hx-request": "true" });
    expect(bogus.status).toBe(404);
    expect(await balance(other)).toBe(7);
    const bad = await admin.postForm("/admin/wallet/codes", { coins: "0", count: "500" });
    expect(bad.status).toBe(422);
    const expiring = await admin.postForm("/admin/wallet/codes", { coins: "5", expiresDays: "7" });
    expect(await expiring.text()).toMatch(/expires \d{4}-\d{2}-\d{2}/);
    const badDays = await admin.postForm("/admin/wallet/codes", { coins: "5", expiresDays: "-1" });
    expect(badDays.status).toBe(422);
    expect(await badDays.text()).toContain("Expiry must be");
  });
});

describe("gift catalogue", () => {
  let giftId = 0;
  test("the admin adds a gift with a checked image; the API lists it", async () => {
    await admin.page("/admin/gifts");
    const res = await admin.fetch("/admin/gifts", { method: "POST", body: multipart({ name: "Star", coins: "10", tier: "", image: new File([PNG], "star.png", { type: "image/png" }) }) });
    expect(res.status).toBe(303);
    const list = ((await (await lh.app.handle(new Request("http://localhost/api/v1/gifts"))).json()) as { gifts: { id: number; name: string; image: string; tier: number }[] }).gifts;
    const star = list.find((g) => g.name === "Star")!;
    giftId = star.id;
    expect(star.tier).toBe(2);
    expect(star.image).toMatch(/^\/gifts\/img\/[0-9a-f]{16}\.png$/);
    const img = await lh.app.handle(new Request("http://localhost" + star.image));
    expect(img.status).toBe(200);
    expect(img.headers.get("cache-control")).toContain("immutable");
    expect((await lh.app.handle(new Request("http://localhost/gifts/img/..%2Fsecret.png"))).status).toBe(404);
  });

  const bad: { name: string; fields: Record<string, string | Blob>; contains: string }[] = [
    { name: "not an image", fields: { name: "Fake", coins: "5", image: new File(["<svg onload=alert(1)>"], "x.png", { type: "image/png" }) }, contains: "must be a PNG, JPEG or WebP" },
    { name: "empty name", fields: { name: "  ", coins: "5" }, contains: "1–40 characters" },
    { name: "price zero", fields: { name: "Free", coins: "0" }, contains: "whole number of coins" },
    { name: "tier 9", fields: { name: "Big", coins: "5", tier: "9" }, contains: "tier 1, 2, 3 or 4" },
  ];
  for (const row of bad) {
    test(`refused: ${row.name}`, async () => {
      const res = await admin.fetch("/admin/gifts", { method: "POST", body: multipart(row.fields) });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(row.contains);
    });
  }

  test("viewers cannot manage gifts; a deactivated gift leaves the catalogue and cannot be sent", async () => {
    expect((await viewer.page("/admin/gifts")).res.status).toBe(403);
    expect((await viewer.fetch("/admin/gifts", { method: "POST", body: multipart({ name: "Mine", coins: "1" }) })).status).toBe(403);
    const off = await admin.fetch(`/admin/gifts/${giftId}`, { method: "POST", body: multipart({ name: "Star", coins: "10", tier: "2" }) });
    expect(off.status).toBe(303);
    const list = ((await (await lh.app.handle(new Request("http://localhost/api/v1/gifts"))).json()) as { gifts: { id: number }[] }).gifts;
    expect(list.some((g) => g.id === giftId)).toBe(false);
    const send = await viewer.fetch(`/api/v1/rooms/${slug}/gifts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ giftId, idempotencyKey: "off-1" }) });
    expect(send.status).toBe(404);
    expect((await admin.fetch(`/admin/gifts/${giftId}`, { method: "POST", body: multipart({ name: "Star", coins: "10", tier: "2", active: "1" }) })).status).toBe(303);
  });

  test("a cookie session sends gifts only with the CSRF token; the creator earns 70 %", async () => {
    const body = JSON.stringify({ giftId, count: 2, idempotencyKey: "page-1" });
    const forged = await viewer.fetch(`/api/v1/rooms/${slug}/gifts`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": "forged-forged-forged-forged-forg" }, body });
    expect(forged.status).toBe(403);
    const res = await viewer.fetch(`/api/v1/rooms/${slug}/gifts`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { balance: number }).balance).toBe(50);
    const { body: page } = await creator.page("/studio/earnings");
    expect(page).toContain('id="earn-all">14<');
    expect(page).toContain("Star ×2");
    expect((await viewer.page("/studio/earnings")).res.status).toBe(403);
    const bar = await (await viewer.fetch(`/r/${slug}/gifts/bar`)).text();
    expect(bar).toContain(`data-gift="${giftId}"`);
    expect(bar).toContain('id="gift-balance">50<');
    const side = await (await lh.session().fetch(`/r/${slug}/gifts/side`)).text();
    expect(side).toContain("viewer");
    expect(side).toContain("20 coins");
  });
});

describe("creator's goal and overlay box", () => {
  test("the creator sets and clears the goal; bad targets and other users are refused", async () => {
    await creator.page(`/studio/rooms/${slug}`);
    const set = await creator.postForm(`/studio/rooms/${slug}/goal`, { title: "New mic", target: "500" }, { "hx-request": "true" });
    expect(set.status).toBe(200);
    expect(await set.text()).toContain("0 of 500 coins so far.");
    expect(await (await lh.session().fetch(`/r/${slug}/gifts/side`)).text()).toContain("New mic");
    for (const target of ["-1", "abc", ""]) {
      const bad = await creator.postForm(`/studio/rooms/${slug}/goal`, { title: "x", target }, { "hx-request": "true" });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain("whole number of coins");
    }
    await viewer.page("/");
    expect((await viewer.postForm(`/studio/rooms/${slug}/goal`, { title: "mine", target: "1" })).status).toBe(403);
    const clear = await creator.postForm(`/studio/rooms/${slug}/goal`, { title: "", target: "0" }, { "hx-request": "true" });
    expect(clear.status).toBe(200);
    expect(await (await lh.session().fetch(`/r/${slug}/gifts/side`)).text()).toContain('id="goal-bar" class="goal-bar" hidden');
  });

  test("the Studio overlay box shows masked URLs to the owner only", async () => {
    const res = await creator.fetch(`/studio/rooms/${slug}/overlay`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/data-secret="http:\/\/localhost\/overlay\/ov_[A-Za-z0-9_-]+\/alerts"/);
    expect(body).toMatch(/>http:\/\/localhost\/overlay\/ov_[^<]*•+[^<]*\/chat</);
    expect(body).toContain('id="overlay-test"');
    expect((await viewer.fetch(`/studio/rooms/${slug}/overlay`)).status).toBe(403);
    const token = body.match(/\/overlay\/(ov_[A-Za-z0-9_-]+)\/alerts/)![1]!;
    expect(await (await lh.session().fetch(`/overlay/${token}/alerts?lang=zh`)).text()).toContain('data-t-gift="{name} 送出了 {gift}"');
    expect(await (await lh.session().fetch(`/overlay/${token}/alerts?seconds=2`)).text()).toContain('data-alert-ms="2000"');
    expect((await lh.session().fetch(`/studio/rooms/${slug}/overlay`)).status).toBe(303);
    const { body: studio } = await creator.page(`/studio/rooms/${slug}`);
    expect(studio).toContain(`hx-get="/studio/rooms/${slug}/overlay"`);
    expect(studio).toContain(`hx-get="/studio/rooms/${slug}/goal"`);
  });
});
