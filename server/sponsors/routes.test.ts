// Sponsor slots over HTTP (app.handle, fresh database): the Studio form (CSRF, unsafe link refused, nothing
// stored), the JSON API's checks, escaped output with rel="sponsored noopener", the counting click redirect and
// impression beacon (once per display), and the sponsor's secret report link (wrong or revoked token: 404).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAccessToken, createUser, getUserById } from "../accounts/accounts";
import { overlayToken } from "../overlays/overlays";
import { createRoom } from "../rooms/rooms";
import { sponsorsCommands } from "./cli";
import { DISPLAY_WINDOW_MS, DISPLAYS_PER_ADDRESS } from "./routes";
import { testApp, type TestApp } from "../../test/helpers/app";
import type { WebSession } from "../../test/helpers/session";

let lh: TestApp;
let clock = Date.UTC(2026, 11, 1, 10, 0, 0);
const tokens: Record<string, string> = {};
let maker: WebSession;
let slug = "";
const XSS = `<img src=x onerror=alert(1)>`;

async function api(path: string, who: string | null, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any; res: Response }> {
  const headers = new Headers(init.headers);
  if (who) headers.set("authorization", `Bearer ${tokens[who]}`);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  const res = await lh.app.handle(new Request(`http://localhost${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body }));
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text, res };
}

const slotJson = (over: Record<string, unknown> = {}) => ({
  sponsor: `Acme ${XSS}`, text: `Deals ${XSS}`, link: "https://acme.example/?q=1", placement: "player", room: slug,
  startsAt: "2026-12-01T09:00:00Z", endsAt: "2026-12-31T00:00:00Z", ...over,
});

beforeAll(async () => {
  lh = await testApp([], () => clock);
  const { db } = lh.deps;
  for (const [name, role] of [["admin", "admin"], ["maker", "creator"], ["rival", "creator"], ["viewer", "viewer"]] as const) {
    const u = await createUser(db, { username: name, password: "password123", role });
    if (!u.ok) throw new Error(name);
    tokens[name] = createAccessToken(db, u.value.id, "t").token;
  }
  const r = createRoom(db, getUserById(db, 2)!, { title: "Maker room", description: "", category: "shopping", tags: "" }, clock);
  if (!r.ok) throw new Error("room");
  slug = r.value.slug;
  maker = lh.session();
  await maker.login("maker", "password123");
});

afterAll(async () => {
  await lh.stop();
});

describe("Studio form", () => {
  const form = (over: Record<string, string> = {}) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ sponsor: "Acme", text: "Deals", link: "https://acme.example/", placement: "banner", room: slug, starts: "2026-12-01T09:00", ends: "2026-12-02T09:00", cap: "3", skip: "5", exempt: "", _csrf: maker.csrf, ...over })) fd.set(k, v);
    return fd;
  };

  test("without the CSRF token nothing is created", async () => {
    const res = await maker.fetch("/studio/sponsors", { method: "POST", body: form({ _csrf: "x".repeat(32) }), headers: { "x-csrf-token": "" } });
    expect(res.status).toBe(403);
  });

  test("an unsafe link is refused with its error, the form keeps the input, nothing is stored", async () => {
    await maker.page("/studio/sponsors");
    const res = await maker.fetch("/studio/sponsors", { method: "POST", body: form({ link: "javascript:alert(1)", sponsor: `Evil ${XSS}` }) });
    expect(res.status).toBe(422);
    const body = await res.text();
    expect(body).toContain("link must be an absolute http:// or https:// URL");
    expect(body).toContain('value="Evil <img src=x onerror=alert(1)>"'); // kept, inside a quoted attribute
    expect((await api("/api/v1/sponsors", "maker")).body.slots).toEqual([]);
  });

  test("an image is checked by its bytes, stored and served; a non-image is refused", async () => {
    const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
    const notImage = form({ sponsor: "Fake" });
    notImage.set("image", new File(["<svg onload=alert(1)>"], "x.png", { type: "image/png" }));
    const refused = await maker.fetch("/studio/sponsors", { method: "POST", body: notImage });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("image: JPEG, PNG, WebP or GIF only");
    const withImage = form({ sponsor: "Pictured", text: "", placement: "obs" });
    withImage.set("image", new File([png], "logo.png", { type: "image/png" }));
    const res = await maker.fetch("/studio/sponsors", { method: "POST", body: withImage });
    expect(res.status).toBe(303);
    const slots = (await api("/api/v1/sponsors", "maker")).body.slots;
    const pictured = slots.find((s: { sponsor: string }) => s.sponsor === "Pictured");
    expect(pictured.image).toMatch(/^\/sponsors\/images\/[0-9a-f]{16}\.png$/);
    const img = await lh.app.handle(new Request(`http://localhost${pictured.image}`));
    expect([img.status, img.headers.get("cache-control")]).toEqual([200, "public, max-age=31536000, immutable"]);
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(png);
    // The OBS page of the room shows it (by the room's overlay token); a wrong token is a 404.
    const obs = await lh.app.handle(new Request(`http://localhost/overlay/${overlayToken(lh.deps.db, 1)}/sponsors`));
    expect(obs.status).toBe(200);
    expect(obs.headers.get("cache-control")).toBe("no-store");
    expect(await obs.text()).toContain(`<img src="${pictured.image}" alt="Pictured"/>`);
    expect((await lh.app.handle(new Request("http://localhost/overlay/ov_wrong/sponsors"))).status).toBe(404);
    expect((await api(`/api/v1/sponsors/${pictured.id}`, "maker", { method: "DELETE" })).status).toBe(204);
  });

  test("a valid form creates the slot and opens its page with the report", async () => {
    const res = await maker.fetch("/studio/sponsors", { method: "POST", body: form() });
    expect(res.status).toBe(303);
    const at = res.headers.get("location")!;
    expect(at).toMatch(/^\/studio\/sponsors\/\d+$/);
    const page = await maker.page(at);
    expect(page.body).toContain('id="report"');
    expect((await api("/api/v1/sponsors", "maker")).body.slots).toMatchObject([{ sponsor: "Acme", placement: "banner", room: slug, capPerDay: 3, startsAt: "2026-12-01T09:00:00.000Z" }]);
    // Someone else's slot page is a 404, not a 403 that confirms it exists.
    const rival = lh.session();
    await rival.login("rival", "password123");
    expect((await rival.fetch(at)).status).toBe(404);
    expect((await rival.fetch(`${at}/delete`, { method: "POST" })).status).toBe(404);

    // Edit (a bad edit keeps the slot as it was), share, revoke, delete — all from the Studio.
    const bad = await maker.fetch(at, { method: "POST", body: form({ link: "ftp://acme.example/" }) });
    expect(bad.status).toBe(422);
    const edited = await maker.fetch(at, { method: "POST", body: form({ sponsor: "Acme 2", cap: "0" }) });
    expect(edited.status).toBe(200);
    expect(await edited.text()).toContain("Saved.");
    expect((await api("/api/v1/sponsors", "maker")).body.slots).toMatchObject([{ sponsor: "Acme 2", capPerDay: 0, link: "https://acme.example/" }]);
    expect((await maker.fetch(`${at}/share`, { method: "POST" })).status).toBe(303);
    const shared = (await maker.page(at)).body.match(/<code id="share-url">http:\/\/localhost(\/sponsor-report\/\d+\/[A-Za-z0-9_-]{32})<\/code>/)![1]!;
    expect((await lh.app.handle(new Request(`http://localhost${shared}`))).status).toBe(200);
    expect((await maker.fetch(`${at}/unshare`, { method: "POST" })).status).toBe(303);
    expect((await lh.app.handle(new Request(`http://localhost${shared}`))).status).toBe(404);
    expect((await maker.fetch(`${at}/report.csv`)).headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await maker.fetch(`${at}/delete`, { method: "POST" })).headers.get("location")).toBe("/studio/sponsors");
    expect((await maker.fetch(at)).status).toBe(404);
  });
});

describe("CLI", () => {
  const run = (name: string, argv: string[]) => sponsorsCommands.find((c) => c.name === name)!.run(argv, { config: lh.deps.config, db: lh.deps.db, moneyDb: lh.deps.moneyDb });
  const base = ["--owner", "maker", "--sponsor", "Cli Co", "--text", "Hi", "--placement", "obs", "--room", "maker-room", "--starts", "2026-12-01T00:00:00Z", "--ends", "2026-12-02T00:00:00Z"];

  test("sponsor create refuses an unsafe link, makes a slot, reports and shares it", () => {
    expect(() => run("sponsor create", [...base, "--link", "javascript:alert(1)"])).toThrow("link must be an absolute http:// or https:// URL");
    expect(() => run("sponsor create", [...base, "--link", "https://cli.example/", "--instance"])).toThrow("only an admin schedules instance-wide slots");
    const made = run("sponsor create", [...base, "--link", "https://cli.example/", "--cap", "2"]) as { id: number; capPerDay: number; link: string };
    expect(made).toMatchObject({ capPerDay: 2, link: "https://cli.example/", room: "maker-room" });
    expect(run("sponsor report", ["--id", String(made.id)])).toMatchObject({ impressions: 0, uniqueViewers: 0, clicks: 0, ctr: null, days: [] });
    expect(run("sponsor share", ["--id", String(made.id)])).toMatchObject({ shared: true, url: expect.stringMatching(new RegExp(`/sponsor-report/${made.id}/[A-Za-z0-9_-]{32}$`)) });
    expect(run("sponsor share", ["--id", String(made.id), "--revoke"])).toEqual({ id: made.id, shared: false });
    expect((run("sponsor list", ["--owner", "maker"]) as { slots: { id: number }[] }).slots.map((s) => s.id)).toContain(made.id);
  });
});

describe("JSON API, rendering and counting", () => {
  let id = 0;

  test("create: 201; unsafe link 422 with the reason; a viewer 403; someone else's slot 404", async () => {
    const bad = await api("/api/v1/sponsors", "maker", { method: "POST", json: slotJson({ link: "data:text/html,<script>alert(1)</script>" }) });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toBe("link must be an absolute http:// or https:// URL");
    expect((await api("/api/v1/sponsors", "viewer", { method: "POST", json: slotJson() })).status).toBe(403);
    expect((await api("/api/v1/sponsors", null)).status).toBe(401);
    const ok = await api("/api/v1/sponsors", "maker", { method: "POST", json: slotJson() });
    expect(ok.status).toBe(201);
    id = ok.body.id;
    expect(ok.body).toMatchObject({ placement: "player", room: slug, link: "https://acme.example/?q=1", shared: false });
    expect((await api(`/api/v1/sponsors/${id}`, "rival")).status).toBe(404);
    expect((await api(`/api/v1/sponsors/${id}/report`, "rival")).status).toBe(404);
  });

  test("the player mount escapes everything, links through the counting redirect with rel=sponsored noopener", async () => {
    const res = await lh.app.handle(new Request(`http://localhost/r/${slug}/sponsors/player`));
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(body).not.toContain(XSS);
    expect(body).toContain("Deals &lt;img src=x onerror=alert(1)&gt;");
    expect(body).toMatch(new RegExp(`<a class="sponsor-link" href="/s/${id}/click\\?d=[A-Za-z0-9_-]{22}" rel="sponsored noopener" target="_blank">`));
    expect(body).not.toContain("acme.example");
  });

  test("beacon and click: once per display; the click 302s to the sponsor; an unknown slot 404s", async () => {
    const viewer = lh.session();
    await viewer.page(`/r/${slug}`);
    const body = await (await viewer.fetch(`/r/${slug}/sponsors/player`)).text();
    const display = body.match(/data-sponsor-display="([^"]+)"/)![1]!;
    // app.handle has no peer address: the user agent is what tells this anonymous viewer apart.
    const UA = { "user-agent": "sponsor-test" };
    const seen = () => viewer.fetch(`/s/displays/${display}/seen`, { method: "POST", headers: UA });
    expect((await viewer.fetch(`/s/displays/${display}/seen`, { method: "POST", headers: { "x-csrf-token": "wrong" } })).status).toBe(403);
    const first = await seen();
    expect([first.status, first.headers.get("x-counted")]).toEqual([204, "1"]);
    expect((await seen()).headers.get("x-counted")).toBe("0");
    // A burst of beacons for one fresh display: exactly one counts.
    const again = (await (await viewer.fetch(`/r/${slug}/sponsors/player`)).text()).match(/data-sponsor-display="([^"]+)"/)![1]!;
    const burst = await Promise.all(Array.from({ length: 20 }, () => viewer.fetch(`/s/displays/${again}/seen`, { method: "POST", headers: UA })));
    expect(burst.filter((r) => r.headers.get("x-counted") === "1")).toHaveLength(1);
    const click = await viewer.fetch(`/s/${id}/click?d=${display}`, { headers: UA });
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe("https://acme.example/?q=1");
    expect((await viewer.fetch(`/s/${id}/click?d=${display}`)).status).toBe(302);
    expect((await viewer.fetch(`/s/99999/click`)).status).toBe(404);
    lh.insights.capture.flush();
    expect((await api(`/api/v1/sponsors/${id}/report`, "maker")).body).toMatchObject({ impressions: 2, uniqueViewers: 1, clicks: 1, ctr: 0.5 });
  });

  test("the sponsor's report link: right token 200 (HTML and CSV), wrong or revoked token 404", async () => {
    const shared = await api(`/api/v1/sponsors/${id}/share`, "maker", { method: "POST" });
    expect(shared.status).toBe(201);
    const url: string = shared.body.url;
    expect(url).toMatch(new RegExp(`^/sponsor-report/${id}/[A-Za-z0-9_-]{32}$`));
    const page = await lh.app.handle(new Request(`http://localhost${url}`));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<td id="r-impressions">2</td>');
    expect(html).not.toContain(XSS);
    expect(html).not.toContain("/studio/sponsors/"); // read-only: no edit links
    const csv = await lh.app.handle(new Request(`http://localhost${shared.body.csv}`));
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await csv.text()).split("\r\n").at(-2)).toBe(`"total","Acme <img src=x onerror=alert(1)>","2","1","1","0.5"`);
    const wrong = url.slice(0, -1) + (url.endsWith("A") ? "B" : "A");
    expect((await lh.app.handle(new Request(`http://localhost${wrong}`))).status).toBe(404);
    expect((await lh.app.handle(new Request(`http://localhost${wrong}/csv`))).status).toBe(404);
    expect((await lh.app.handle(new Request(`http://localhost/sponsor-report/${id}/short`))).status).toBe(404);
    expect((await api(`/api/v1/sponsors/${id}/share`, "maker", { method: "DELETE" })).status).toBe(204);
    expect((await lh.app.handle(new Request(`http://localhost${url}`))).status).toBe(404);
  });

  test("instance-wide slots are the admin's; delete removes the slot", async () => {
    expect((await api("/api/v1/sponsors", "maker", { method: "POST", json: slotJson({ room: null, instance: true }) })).status).toBe(403);
    for (const s of (await api("/api/v1/sponsors", "maker")).body.slots.filter((x: { placement: string }) => x.placement === "banner")) {
      expect((await api(`/api/v1/sponsors/${s.id}`, "maker", { method: "DELETE" })).status).toBe(204);
    }
    const site = await api("/api/v1/sponsors", "admin", { method: "POST", json: slotJson({ room: null, instance: true, placement: "banner", sponsor: "Site" }) });
    expect(site.status).toBe(201);
    expect(await (await lh.app.handle(new Request(`http://localhost/r/${slug}/sponsors/banner`))).text()).toContain("Site");
    expect((await api(`/api/v1/sponsors/${site.body.id}`, "maker", { method: "DELETE" })).status).toBe(404);
    expect((await api(`/api/v1/sponsors/${site.body.id}`, "admin", { method: "DELETE" })).status).toBe(204);
    expect(await (await lh.app.handle(new Request(`http://localhost/r/${slug}/sponsors/banner`))).text()).toBe('<div id="sponsor-banner" hidden></div>');
  });

  test("one address opens at most DISPLAYS_PER_ADDRESS displays per window; then the mounts are empty until the next", async () => {
    clock += DISPLAY_WINDOW_MS; // a fresh window
    const mountPlayer = async () => (await lh.app.handle(new Request(`http://localhost/r/${slug}/sponsors/player`))).text();
    const displays = () => lh.deps.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sponsor_displays").get()!.n;
    const before = displays();
    for (let i = 0; i < DISPLAYS_PER_ADDRESS; i++) expect(await mountPlayer()).toContain("data-sponsor-display=");
    expect(await mountPlayer()).toBe('<div id="sponsor-player" hidden></div>');
    expect(displays() - before).toBe(DISPLAYS_PER_ADDRESS);
    clock += DISPLAY_WINDOW_MS;
    expect(await mountPlayer()).toContain("data-sponsor-display=");
  });
});
