// One walk through the foundation in real Chromium against the real server: first-run setup → promote a
// creator → creator logs in → creates a room with a hostile title → sees the masked key → rotates it.
import { expect, test } from "bun:test";
import { recordDialogs, serverAndBrowser } from "./helpers/browser";

const XSS = "<img src=x onerror=alert(1)>";
const suite = serverAndBrowser();
const alerts: string[] = [];

test("first-run setup → promote → create room → masked key → rotate, with an inert hostile title", async () => {
  const { server, browser } = suite;
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  recordDialogs(admin, alerts);
  await admin.goto(server.url + "/");
  expect(new URL(admin.url()).pathname).toBe("/setup");
  await admin.fill("input[name=username]", "root");
  await admin.fill("input[name=password]", "short");
  await admin.click("#auth-form button[type=submit]");
  await admin.getByText("Use at least 8 characters.").waitFor();
  await admin.fill("input[name=password]", "correct horse battery");
  await admin.click("#auth-form button[type=submit]");
  await admin.waitForURL(/\/admin$/);

  // A new user signs up as a viewer.
  const creatorCtx = await browser.newContext();
  const creator = await creatorCtx.newPage();
  recordDialogs(creator, alerts);
  await creator.goto(server.url + "/signup");
  await creator.fill("input[name=username]", "maker");
  await creator.fill("input[name=displayName]", "Maker");
  await creator.fill("input[name=password]", "password123");
  await creator.click("#auth-form button[type=submit]");
  await creator.waitForURL(server.url + "/");
  await creator.goto(server.url + "/studio");
  await creator.getByText("Ask the administrator").waitFor();

  // The admin promotes them.
  await admin.reload();
  const row = admin.locator("tr", { hasText: "maker" });
  await row.locator("select[name=role]").selectOption("creator");
  await row.locator("form[action$=\"/role\"] button[type=submit]").click();
  await admin.locator("tr", { hasText: "maker" }).locator("option[value=creator][selected]").waitFor({ state: "attached" });

  // The creator logs out and in again, then creates a room.
  await creator.goto(server.url + "/");
  await creator.click("text=Log out");
  await creator.goto(server.url + "/login");
  await creator.fill("input[name=username]", "maker");
  await creator.fill("input[name=password]", "password123");
  await creator.click("#auth-form button[type=submit]");
  await creator.waitForURL(server.url + "/");
  await creator.goto(server.url + "/studio");
  await creator.fill("#new-room-form input[name=title]", XSS);
  await creator.fill("#new-room-form textarea[name=description]", XSS);
  await creator.click("#new-room-form button[type=submit]");
  await creator.waitForURL(/\/studio\/rooms\/[a-z0-9-]+$/);

  // The key is masked until revealed, and rotation replaces it.
  const key = creator.locator("#stream-key");
  const masked = await key.textContent();
  expect(masked).toMatch(/^live_•+[A-Za-z0-9_-]{4}$/);
  await creator.click("button[data-reveal=stream-key]");
  const revealed = await key.textContent();
  expect(revealed).toMatch(/^live_[A-Za-z0-9_-]{32}$/);
  await creator.click("#rotate-key");
  await creator.getByText("Stream key rotated").waitFor();
  const rotated = await creator.locator("#stream-key").getAttribute("data-secret");
  expect(rotated).not.toBe(revealed);
  expect(await creator.locator("#stream-key").textContent()).not.toBe(rotated);

  // The hostile title is shown as text on every page and never runs.
  const slug = new URL(creator.url()).pathname.split("/").pop()!;
  for (const path of ["/", `/r/${slug}`, "/studio", `/studio/rooms/${slug}`]) {
    await creator.goto(server.url + path);
    await creator.waitForLoadState("load");
    expect(await creator.locator("img[src=x]").count()).toBe(0);
    expect(await creator.content()).toContain("&lt;img src=x onerror=alert(1)&gt;");
  }
  await creator.waitForTimeout(300);
  expect(alerts).toEqual([]);
  await adminCtx.close();
  await creatorCtx.close();
}, 60_000);
