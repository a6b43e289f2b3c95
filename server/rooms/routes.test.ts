// Scenario tests for rooms: Studio forms, stream keys, covers, room pages and the room API, via app.handle.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser } from "../accounts/accounts";
import { testApp, type TestApp } from "../../test/helpers/app";
import type { WebSession } from "../../test/helpers/session";

let lh: TestApp;
let creator: WebSession;
let other: WebSession;
const XSS = `<img src=x onerror=alert(1)>`;
const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));

function roomForm(fields: Record<string, string>, cover?: Blob): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  if (cover) f.set("cover", cover, "cover.png");
  return f;
}

beforeAll(async () => {
  lh = await testApp();
  await createUser(lh.deps.db, { username: "admin", password: "password123", role: "admin" });
  await createUser(lh.deps.db, { username: "maker", password: "password123", role: "creator" });
  await createUser(lh.deps.db, { username: "rival", password: "password123", role: "creator" });
  creator = lh.session();
  await creator.login("maker", "password123");
  other = lh.session();
  await other.login("rival", "password123");
});
afterAll(() => lh.stop());

async function createRoom(s: WebSession, fields: Record<string, string>, cover?: Blob): Promise<Response> {
  await s.page("/studio");
  return s.fetch("/studio/rooms", { method: "POST", body: roomForm({ description: "", category: "music", tags: "", ...fields }, cover), headers: { "hx-request": "true" } });
}

describe("Studio", () => {
  test("creates a room with a checked cover and redirects to its Studio page", async () => {
    const res = await createRoom(creator, { title: "Jazz Night", tags: "jazz, live" }, new Blob([PNG], { type: "image/png" }));
    expect(res.status).toBe(204);
    expect(res.headers.get("hx-redirect")).toBe("/studio/rooms/jazz-night");
    const page = await creator.page("/studio/rooms/jazz-night");
    expect(page.body).toContain("rtmp://localhost/live");
    const key = page.body.match(/data-secret="(live_[^"]+)"/)?.[1]!;
    // The key is masked in the visible text; the full value sits only in the reveal attribute.
    expect(page.body.split(key).length - 1).toBe(1);
    expect(page.body).toMatch(/id="stream-key"[^>]*>live_•+/);
    const api = await (await lh.app.handle(new Request("http://localhost/api/v1/rooms/jazz-night"))).json();
    expect(api).toEqual(expect.objectContaining({ slug: "jazz-night", title: "Jazz Night", url: "/r/jazz-night", live: false, viewers: 0, hls: null }));
    const card = (await lh.session().page("/")).body;
    const cover = card.match(/\/covers\/([^']+)'/)?.[1]!;
    const img = await lh.app.handle(new Request(`http://localhost/covers/${cover}`));
    expect(img.status).toBe(200);
    expect(img.headers.get("cache-control")).toContain("immutable");
  });

  const bad: { name: string; fields: Record<string, string>; cover?: Blob; message: string }[] = [
    { name: "empty title", fields: { title: "" }, message: "Give the room a title" },
    { name: "unknown category", fields: { title: "X", category: "casino" }, message: "Choose a category" },
    { name: "cover that is not an image", fields: { title: "Y" }, cover: new Blob(["<svg onload=alert(1)>"], { type: "image/png" }), message: "JPEG, PNG or WebP" },
    { name: "cover over 2 MB", fields: { title: "Z" }, cover: new Blob([PNG, new Uint8Array(2 * 1024 * 1024)], { type: "image/png" }), message: "2 MB or smaller" },
  ];
  for (const row of bad) {
    test(`bad input is answered beside the field and writes nothing: ${row.name}`, async () => {
      const before = (await lh.session().page("/")).body.match(/class="room-card"/g)?.length ?? 0;
      const res = await createRoom(creator, row.fields, row.cover);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(row.message);
      expect((await lh.session().page("/")).body.match(/class="room-card"/g)?.length ?? 0).toBe(before);
    });
  }

  test("rotating the key shows a new masked key; another creator cannot see or rotate it", async () => {
    const before = (await creator.page("/studio/rooms/jazz-night")).body.match(/data-secret="([^"]+)"/)?.[1];
    const res = await creator.fetch("/studio/rooms/jazz-night/key/rotate", { method: "POST", headers: { "hx-request": "true" } });
    const after = (await res.text()).match(/data-secret="([^"]+)"/)?.[1];
    expect(after).toMatch(/^live_/);
    expect(after).not.toBe(before);
    expect((await other.page("/studio/rooms/jazz-night")).res.status).toBe(403);
    expect((await other.fetch("/studio/rooms/jazz-night/key/rotate", { method: "POST" })).status).toBe(403);
    expect((await creator.fetch("/studio/rooms/jazz-night/key/rotate", { method: "POST", headers: { "x-csrf-token": "bad" } })).status).toBe(403);
  });

  test("the Studio status refreshes itself with the live state and viewer count; only for the owner", async () => {
    const res = await creator.fetch("/studio/rooms/jazz-night/status", { headers: { "hx-request": "true" } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('hx-trigger="every 5s"');
    expect(body).toContain("Offline");
    expect(body).toContain("0 watching");
    expect((await other.fetch("/studio/rooms/jazz-night/status")).status).toBe(403);
  });

  test("the latency select saves low / standard / server default; bad values, other creators and missing CSRF change nothing", async () => {
    const post = (s: WebSession, mode: string, headers: Record<string, string> = { "hx-request": "true" }) =>
      s.fetch("/studio/rooms/jazz-night/latency", { method: "POST", body: new URLSearchParams({ mode }), headers });
    const page = (await creator.page("/studio/rooms/jazz-night")).body;
    expect(page).toMatch(/<option value="default" selected>Server default \(Standard/);
    const low = await post(creator, "low");
    expect(low.status).toBe(200);
    const body = await low.text();
    expect(body).toContain("Saved.");
    expect(body).toContain('<option value="low" selected>');
    expect((await lh.session().page("/r/jazz-night")).body).toContain('data-latency="low"');
    for (const [s, mode, headers, status] of [
      [creator, "ultra", undefined, 422], [other, "standard", undefined, 403], [creator, "standard", { "x-csrf-token": "bad" }, 403],
    ] as const) {
      expect((await post(s, mode, headers)).status).toBe(status);
    }
    expect((await lh.session().page("/r/jazz-night")).body).toContain('data-latency="low"');
    expect((await post(creator, "default")).status).toBe(200);
    expect((await lh.session().page("/r/jazz-night")).body).toContain('data-latency="standard"');
  });

  test("editing saves and a hostile title renders inert everywhere", async () => {
    await createRoom(creator, { title: "Temp" });
    const res = await creator.fetch("/studio/rooms/temp", { method: "POST", body: roomForm({ title: XSS, description: XSS, category: "gaming", tags: XSS }), headers: { "hx-request": "true" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Saved.");
    for (const path of ["/", "/r/temp", "/studio", "/studio/rooms/temp"]) {
      const body = (await creator.page(path)).body;
      // Inside a quoted attribute "<" is plain text; outside attributes it must be escaped.
      expect(body.replace(/"[^"]*"/g, '""')).not.toContain("<img");
      expect(body).toContain("&lt;img src=x onerror=alert(1)&gt;");
    }
  });
});

describe("room pages and API", () => {
  test("unknown room → 404 page; unknown API room → JSON 404; unknown API route → JSON 404", async () => {
    const page = await lh.session().page("/r/does-not-exist");
    expect(page.res.status).toBe(404);
    expect(page.body).toContain("Room not found");
    const api = await lh.app.handle(new Request("http://localhost/api/v1/rooms/does-not-exist"));
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'no room "does-not-exist"' });
    const route = await lh.app.handle(new Request("http://localhost/api/v1/nothing/here"));
    expect(route.status).toBe(404);
    expect((await route.json()).error).toContain("no route");
  });

  test("room page shows title, owner and the offline state", async () => {
    const { body } = await lh.session().page("/r/jazz-night");
    expect(body).toContain("Jazz Night");
    expect(body).toContain("maker");
    expect(body).toContain("This room is offline");
  });

  test("cover file names are strict (no traversal)", async () => {
    const res = await lh.app.handle(new Request("http://localhost/covers/..%2F..%2Flivehouse.db"));
    expect(res.status).toBe(404);
  });
});
