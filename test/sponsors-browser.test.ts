// Sponsor slots in real Chromium: the player overlay appears on the room page, its impression is counted once
// (however often it leaves and re-enters the screen, and a replayed beacon is ignored), a banner below the fold
// is not counted until scrolled into view, a click goes through the counting redirect to the sponsor in a new
// tab; a replay's pre-roll can be skipped only after its N seconds.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { expect, test } from "bun:test";
import { recordDialogs, serverAndBrowser } from "./helpers/browser";
import { waitFor } from "./live-helpers";

const suite = serverAndBrowser();
const XSS = `<img src=x onerror=alert(1)>`;

let host: Promise<{ token: string; room: { slug: string } }> | null = null;

/** One creator with a room for the file (made on first use), and helpers to schedule its slots over the API. */
async function setup() {
  const { server } = suite;
  host ??= (async () => {
    await server.cli(["user", "create", "--username", "host", "--password", "password123", "--role", "creator"]);
    const token = (await server.cli(["token", "create", "--username", "host"])).json.token as string;
    const room = (await server.cli(["room", "create", "--owner", "host", "--title", "Sponsored Room"])).json;
    return { token, room };
  })();
  const { token, room } = await host;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const now = Date.now();
  const slot = async (over: Record<string, unknown>) => {
    const r = await call("POST", "/api/v1/sponsors", {
      sponsor: `Acme ${XSS}`, text: `Great deals ${XSS}`, link: `${server.url}/healthz?from=sponsor`, room: room.slug,
      startsAt: new Date(now - 3_600_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString(), ...over,
    });
    expect(r.status).toBe(201);
    return r.body.id as number;
  };
  return { room, call, slot };
}

test("player overlay: on screen → one impression; a banner below the fold waits; a click goes through", async () => {
  const { server, browser } = suite;
  const { room, call, slot } = await setup();
  const player = await slot({ placement: "player" });
  const banner = await slot({ placement: "banner", sponsor: "Banner Co" });
  const report = async (id: number) => (await call("GET", `/api/v1/sponsors/${id}/report`)).body as { impressions: number; uniqueViewers: number; clicks: number };

  const context = await browser.newContext({ viewport: { width: 900, height: 560 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  recordDialogs(page, dialogs);
  await page.goto(`${server.url}/r/${room.slug}`);
  const overlay = page.locator("#sponsor-player.sponsor-player");
  await overlay.waitFor({ state: "visible" });
  expect(await overlay.textContent()).toContain(`Great deals ${XSS}`);
  const link = overlay.locator("a");
  expect(await link.getAttribute("rel")).toBe("sponsored noopener");
  expect(await link.getAttribute("target")).toBe("_blank");
  expect(await link.getAttribute("href")).toMatch(new RegExp(`^/s/${player}/click\\?d=[A-Za-z0-9_-]{22}$`));

  await waitFor("player impression counted", async () => (await report(player)).impressions === 1, 10_000);
  // The banner sits below the 560 px viewport: on the page, not on screen, so not counted.
  await page.locator("#sponsor-banner.sponsor-banner").waitFor({ state: "attached" });
  await Bun.sleep(2_000);
  expect((await report(banner)).impressions).toBe(0);
  await page.locator("#sponsor-banner").scrollIntoViewIfNeeded();
  await waitFor("banner impression counted", async () => (await report(banner)).impressions === 1, 10_000);

  // Back up to the player (it re-enters the screen), hide and show it, replay the beacon: still one impression.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => { const el = document.getElementById("sponsor-player")!; el.style.display = "none"; void el.offsetHeight; el.style.display = ""; });
  const replayed = await page.evaluate(async () => {
    const el = document.getElementById("sponsor-player")!;
    const csrf = (document.querySelector('meta[name="csrf-token"]') as HTMLMetaElement).content;
    const res = await fetch(el.getAttribute("data-seen-url")!, { method: "POST", headers: { "X-CSRF-Token": csrf } });
    return [res.status, res.headers.get("x-counted")];
  });
  expect(replayed).toEqual([204, "0"]);
  await Bun.sleep(2_000);
  expect(await report(player)).toMatchObject({ impressions: 1, uniqueViewers: 1, clicks: 0 });

  const [popup] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await popup.waitForLoadState();
  expect(popup.url()).toBe(`${server.url}/healthz?from=sponsor`);
  await waitFor("click counted", async () => (await report(player)).clicks === 1, 10_000);
  expect(await report(player)).toMatchObject({ impressions: 1, uniqueViewers: 1, clicks: 1 });

  // A reload is a new display: a second impression by the same viewer, still one viewer reached.
  await page.reload();
  await page.locator("#sponsor-player.sponsor-player").waitFor({ state: "visible" });
  await waitFor("second display counted", async () => (await report(player)).impressions === 2, 10_000);
  expect((await report(player)).uniqueViewers).toBe(1);
  expect(dialogs).toEqual([]);
  await context.close();
}, 90_000);

test("replay pre-roll: the skip button works only after N seconds, then reveals the player", async () => {
  const { server, browser } = suite;
  const { room, slot } = await setup();
  const preroll = await slot({ placement: "preroll", skipAfterSeconds: 3, sponsor: "Preroll Co" });
  // A finished broadcast with media is all the replay page needs (no RTMP here: the pre-roll is the subject).
  const db = new Database(join(server.dataDir, "livehouse.db"));
  const roomId = db.query<{ id: number }, [string]>("SELECT id FROM rooms WHERE slug = ?").get(room.slug)!.id;
  const broadcast = db.query<{ id: number }, [number, number, number]>("INSERT INTO broadcasts (room_id, started_at, ended_at, duration_ms) VALUES (?, ?, ?, 5000) RETURNING id").get(roomId, Date.now() - 60_000, Date.now() - 55_000)!.id;
  db.close();

  const page = await browser.newPage();
  await page.goto(`${server.url}/replays/${broadcast}`);
  const box = page.locator("#sponsor-preroll.sponsor-preroll");
  await box.waitFor({ state: "visible" });
  const shownAt = Date.now();
  expect(await box.getAttribute("data-sponsor-preroll")).toBe("3");
  expect(await box.locator("a").getAttribute("href")).toMatch(new RegExp(`^/s/${preroll}/click\\?d=`));
  const skip = box.locator("[data-sponsor-skip]");
  expect(await skip.isDisabled()).toBe(true);
  expect(await skip.textContent()).toMatch(/^Skip in [123] s$/);
  await skip.click({ force: true }); // a click while disabled does nothing
  expect(await box.count()).toBe(1);
  await page.waitForFunction(() => !(document.querySelector("[data-sponsor-skip]") as HTMLButtonElement).disabled, undefined, { timeout: 10_000 });
  const enabledAfter = Date.now() - shownAt;
  expect(enabledAfter).toBeGreaterThanOrEqual(2_000);
  expect(enabledAfter).toBeLessThan(6_000);
  expect(await skip.textContent()).toBe("Skip");
  await skip.click();
  await page.locator("#sponsor-preroll").waitFor({ state: "detached" });
  expect(await page.locator("#player").count()).toBe(1);
  await page.close();
}, 60_000);
