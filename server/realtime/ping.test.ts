// One ping interval shared by the server and the page: the room page carries PING_EVERY_MS in data-ping-ms and
// public/js/room.js takes its interval from there, with no number of its own.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testApp, type TestApp } from "../../test/helpers/app";
import { createUser } from "../accounts/accounts";
import type { User } from "../accounts/model";
import { createRoom } from "../rooms/rooms";
import { PING_EVERY_MS } from "./viewers";

let lh: TestApp;
let slug = "";

beforeAll(async () => {
  lh = await testApp();
  const owner = (await createUser(lh.deps.db, { username: "pinger", password: "password123", role: "creator" })) as { ok: true; value: User };
  const room = createRoom(lh.deps.db, owner.value, { title: "Ping room", description: "", category: "other", tags: "" });
  if (!room.ok) throw new Error("room");
  slug = room.value.slug;
});
afterAll(() => lh.stop());

test("the room page renders the server's ping interval", async () => {
  const res = await lh.app.handle(new Request(`http://localhost/r/${slug}`));
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain(`data-ping-ms="${PING_EVERY_MS}"`);
});

test("room.js reads the interval from the page and hard-codes none", () => {
  const js = readFileSync(join(import.meta.dir, "../../public/js/room.js"), "utf8");
  expect(js).toContain('getAttribute("data-ping-ms")');
  expect(js).toMatch(/setInterval\(function \(\) \{[\s\S]*?\}, pingMs\);/);
  expect(js).not.toMatch(/\b4000\b[\s\S]*ping|PING_MS/);
});
