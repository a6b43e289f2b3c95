// Share cards, oEmbed, the creators' Atom feed and the embed page's headers, through app.handle on a fresh data
// directory with a public URL. HTML is read with Bun's HTMLRewriter (a real HTML parser), the feed with Python's
// expat (strict XML: one bad escape fails the parse), oEmbed as JSON with its iframe parsed again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUser } from "../server/accounts/accounts";
import { insertUser } from "../server/accounts/storage";
import type { User } from "../server/accounts/model";
import { saveRoomAccess } from "../server/access/storage";
import { createClass } from "../server/classes/classes";
import { endBroadcast, insertBroadcast } from "../server/media/storage";
import { setNextLive } from "../server/notifications/storage";
import { createRoom, markLive } from "../server/rooms/rooms";
import type { Room } from "../server/rooms/model";
import { createProduct } from "../server/shop/products";
import { testApp, type TestApp } from "./helpers/app";
import type { WebSession } from "./helpers/session";

const BASE = "https://live.example.com";
const EVIL = `Tom & "Jerry" <script>alert(1)</script> R&amp;B`;
let lh: TestApp;
let owner: User;
let room: Room;
let other: Room;
let classId: number;
let productId: number;
let replayId: number;
let ownerWeb: WebSession;

/** Every <meta> (property or name → content), <link rel>, iframes and the <title>, as the parser decodes them. */
async function readHead(html: string) {
  const meta = new Map<string, string>();
  const links: { rel: string; href: string; type: string | null }[] = [];
  const iframes: Record<string, string | null>[] = [];
  const inlineScripts: string[] = [];
  const decode = (s: string) => s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  await new HTMLRewriter()
    .on("meta", { element(e) {
      const key = e.getAttribute("property") ?? e.getAttribute("name");
      if (key) meta.set(key, decode(e.getAttribute("content") ?? ""));
    } })
    .on("link", { element(e) { links.push({ rel: e.getAttribute("rel") ?? "", href: decode(e.getAttribute("href") ?? ""), type: e.getAttribute("type") }); } })
    .on("script", { element(e) { if (!e.getAttribute("src")) inlineScripts.push("inline"); } })
    .on("iframe", { element(e) { iframes.push({ src: e.getAttribute("src"), width: e.getAttribute("width"), height: e.getAttribute("height"), title: decode(e.getAttribute("title") ?? "") }); } })
    .transform(new Response(html))
    .text();
  return { meta, links, iframes, inlineScripts };
}

const REQUIRED = ["og:title", "og:description", "og:url", "og:type", "og:site_name", "twitter:card", "twitter:title", "twitter:description", "description"];

async function card(path: string) {
  const res = await lh.app.handle(new Request(`http://localhost${path}`));
  expect(res.status).toBe(200);
  const html = await res.text();
  const head = await readHead(html);
  for (const k of REQUIRED) expect({ path, k, has: head.meta.has(k) }).toEqual({ path, k, has: true });
  expect(head.meta.get("og:url")).toBe(BASE + path);
  expect(head.links.find((l) => l.rel === "canonical")?.href).toBe(BASE + path);
  const image = head.meta.get("og:image");
  if (image) {
    expect(new URL(image).origin).toBe(BASE);
    expect(head.meta.get("twitter:card")).toBe("summary_large_image");
    expect(head.meta.get("twitter:image")).toBe(image);
  }
  expect(html).toContain('class="share-copy"');
  expect(html).toContain(`data-share-url="${BASE}${path}"`);
  return { html, ...head };
}

beforeAll(async () => {
  lh = await testApp(["--public-url", BASE + "/"]);
  const db = lh.deps.moneyDb;
  const made0 = await createUser(db, { username: "maker", password: "secret-pass-1", displayName: EVIL, role: "creator" });
  if (!made0.ok) throw new Error("user");
  owner = made0.value;
  insertUser(db, { username: "viewer1", displayName: "V", passwordHash: "x", role: "viewer", now: 0 });
  const made = createRoom(db, owner, { title: EVIL, description: "Line one\n\nline <two> & more", category: "music", tags: "" }, 0);
  const made2 = createRoom(db, owner, { title: "Members only", description: "", category: "music", tags: "" }, 0);
  if (!made.ok || !made2.ok) throw new Error("room");
  room = made.value;
  other = made2.value;
  saveRoomAccess(db, { roomId: other.id, mode: "members", passwordHash: null, minTierId: null, previewMinutes: 0, now: 0 });
  const now = Date.now();
  const c = createClass(db, owner, room, { title: `Class ${EVIL}`, description: "", startsAt: now + 86_400_000, minutes: 60, priceMinor: 0, currency: "COIN", capacity: null, replayIncluded: true }, now);
  if (!c.ok) throw new Error(c.message);
  classId = c.value.id;
  const p = createProduct(db, owner, { title: `Mug ${EVIL}`, description: "A mug.", priceMinor: 1200, currency: "USD", stock: 3, kind: "physical", variants: [] }, now);
  if (!p.ok) throw new Error("product");
  productId = p.value.id;
  replayId = insertBroadcast(db, room.id, now - 7_200_000);
  endBroadcast(db, replayId, now - 3_600_000, 3_600_000);
  setNextLive(db, room.id, now + 2 * 86_400_000, now);
  ownerWeb = lh.session();
  await ownerWeb.login("maker", "secret-pass-1");
});

afterAll(async () => {
  await lh.stop();
});

describe("share cards", () => {
  test("room page: every required tag, absolute URLs, the title escaped and read back exactly, oEmbed discovery", async () => {
    const { meta, links, inlineScripts } = await card(`/r/${room.slug}`);
    expect(meta.get("og:title")).toBe(EVIL);
    expect(meta.get("og:type")).toBe("video.other");
    expect(meta.get("og:description")).toBe("Line one line <two> & more");
    expect(inlineScripts).toEqual([]); // the title's <script> stayed text inside attributes and the <h1>
    // Offline, no cover: the newest replay's thumbnail.
    expect(meta.get("og:image")).toBe(`${BASE}/replays/${replayId}/poster.jpg`);
    const oembed = links.find((l) => l.rel === "alternate" && l.type === "application/json+oembed")!;
    expect(oembed.href).toBe(`${BASE}/oembed?url=${encodeURIComponent(`${BASE}/r/${room.slug}`)}&format=json`);
    expect(links.find((l) => l.type === "application/atom+xml")?.href).toBe(`${BASE}/u/maker/feed.xml`);
  });

  test("live room: the live poster and a LIVE title", async () => {
    markLive(lh.deps.db, room.id, Date.now());
    try {
      const { meta } = await card(`/r/${room.slug}`);
      expect(meta.get("og:image")).toBe(`${BASE}/live/${room.slug}/poster.jpg`);
      expect(meta.get("og:title")).toBe(`🔴 LIVE: ${EVIL}`);
    } finally {
      markLive(lh.deps.db, room.id, null);
    }
  });

  test("class, product and replay pages", async () => {
    const c = await card(`/classes/${classId}`);
    expect(c.meta.get("og:title")).toBe(`Class ${EVIL}`);
    expect(c.meta.get("og:description")).toContain(`A class by ${EVIL}`);
    const p = await card(`/shop/p/${productId}`);
    expect([p.meta.get("og:title"), p.meta.get("og:type"), p.meta.get("og:description")]).toEqual([`Mug ${EVIL}`, "product", "A mug."]);
    expect(p.meta.has("og:image")).toBe(false); // no image uploaded: no broken image, a small card
    expect(p.meta.get("twitter:card")).toBe("summary");
    const r = await card(`/replays/${replayId}`);
    expect([r.meta.get("og:title"), r.meta.get("og:image")]).toEqual([`Replay: ${EVIL}`, `${BASE}/replays/${replayId}/poster.jpg`]);
  });
});

describe("oEmbed", () => {
  const get = async (q: string) => {
    const res = await lh.app.handle(new Request(`http://localhost/oembed${q}`));
    return { status: res.status, type: res.headers.get("content-type"), json: await res.json() };
  };
  const u = (path: string) => encodeURIComponent(BASE + path);

  test("a room URL → oEmbed 1.0 video JSON with an iframe of the embed page", async () => {
    const r = await get(`?url=${u(`/r/${room.slug}`)}&format=json`);
    expect(r.status).toBe(200);
    expect(r.type).toBe("application/json");
    expect(r.json).toMatchObject({ version: "1.0", type: "video", provider_name: "Livehouse", provider_url: `${BASE}/`, title: EVIL, author_name: EVIL, width: 640, height: 360 });
    expect(r.json.author_url).toBe(`${BASE}/u/maker/feed.xml`);
    const { iframes } = await readHead(r.json.html);
    expect(iframes).toEqual([{ src: `${BASE}/embed/${room.slug}`, width: "640", height: "360", title: EVIL }]);
    expect((await readHead(r.json.html)).inlineScripts).toEqual([]);
    expect(r.json.thumbnail_url).toBe(`${BASE}/replays/${replayId}/poster.jpg`);
    expect([typeof r.json.thumbnail_width, typeof r.json.thumbnail_height]).toEqual(["number", "number"]);
  });

  test("maxwidth / maxheight keep 16:9 inside the box; the embed URL and the host the consumer used work too", async () => {
    expect((await get(`?url=${u(`/embed/${room.slug}`)}&maxwidth=320`)).json).toMatchObject({ width: 320, height: 180 });
    expect((await get(`?url=${u(`/r/${room.slug}`)}&maxheight=90`)).json).toMatchObject({ width: 160, height: 90 });
    expect((await get(`?url=${encodeURIComponent(`http://localhost/r/${room.slug}`)}`)).status).toBe(200);
  });

  const bad: [string, string, number, RegExp][] = [
    ["no url", "", 400, /url is required/],
    ["xml format", `?url=${u("/r/x")}&format=xml`, 501, /only json/],
    ["bad maxwidth", `?url=${u("/r/x")}&maxwidth=wide`, 400, /positive integers/],
    ["zero maxheight", `?url=${u("/r/x")}&maxheight=0`, 400, /positive integers/],
    ["unknown room", `?url=${u("/r/no-such-room")}`, 404, /no room/],
    ["not a room path", `?url=${u("/shop/cart")}`, 404, /no room/],
    ["another site", `?url=${encodeURIComponent("https://evil.example/r/x")}`, 404, /not a URL of this site/],
    ["not a URL", "?url=javascript:alert(1)", 404, /not a URL of this site/],
  ];
  for (const [name, q, status, error] of bad) {
    test(`${name} → ${status} with a clear error`, async () => {
      const r = await get(q);
      expect(r.status).toBe(status);
      expect(r.json.error).toMatch(error);
    });
  }
});

/** Python's expat: strict XML. Prints the feed as JSON (title, self link, entries with their fields). */
async function parseAtom(xml: string): Promise<any> {
  const py = `
import sys, json, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
root = ET.fromstring(sys.stdin.buffer.read())
assert root.tag == A + "feed", root.tag
def link(e, rel): return [l.get("href") for l in e.findall(A + "link") if l.get("rel") == rel][0]
print(json.dumps({
  "id": root.findtext(A + "id"), "title": root.findtext(A + "title"), "updated": root.findtext(A + "updated"), "self": link(root, "self"),
  "entries": [{ "id": e.findtext(A + "id"), "title": e.findtext(A + "title"), "link": link(e, "alternate"), "updated": e.findtext(A + "updated"),
    "category": e.find(A + "category").get("term"), "summary": e.findtext(A + "summary") } for e in root.findall(A + "entry")],
}))`;
  const proc = Bun.spawn(["python3", "-c", py], { stdin: new TextEncoder().encode(xml), stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text(), await proc.exited];
  if (code !== 0) throw new Error(`not valid XML / Atom: ${err}`);
  return JSON.parse(out);
}

describe("creator feed", () => {
  test("/u/<username>/feed.xml: strict XML, upcoming class, announced live, replay; escaped titles read back exactly", async () => {
    markLive(lh.deps.db, room.id, Date.now());
    const res = await lh.app.handle(new Request("http://localhost/u/maker/feed.xml"));
    markLive(lh.deps.db, room.id, null);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const feed = await parseAtom(await res.text());
    expect(feed.title).toBe(`${EVIL} on Livehouse`);
    expect(feed.self).toBe(`${BASE}/u/maker/feed.xml`);
    expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
    const cats = feed.entries.map((e: { category: string }) => e.category).sort();
    expect(cats).toEqual(["class", "live", "replay", "scheduled"]);
    for (const e of feed.entries) {
      expect(new URL(e.link).origin).toBe(BASE);
      expect(Number.isNaN(Date.parse(e.updated))).toBe(false);
    }
    expect(feed.entries.find((e: { category: string }) => e.category === "class").title).toStartWith(`Class ${EVIL} — `);
    expect(feed.entries.find((e: { category: string }) => e.category === "replay")).toMatchObject({ title: `Replay: ${EVIL}`, link: `${BASE}/replays/${replayId}` });
    expect(feed.entries.find((e: { category: string }) => e.category === "live").summary).toBe("Line one\n\nline <two> & more");
  });

  test("unknown users and viewers have no feed (404)", async () => {
    for (const name of ["nobody", "viewer1"]) {
      const res = await lh.app.handle(new Request(`http://localhost/u/${name}/feed.xml`));
      expect(res.status).toBe(404);
      expect(await res.text()).toContain(`no creator "${name}"`);
    }
  });
});

describe("embed page", () => {
  const embed = (slug: string) => lh.app.handle(new Request(`http://localhost/embed/${slug}`));

  test("any site may embed by default: frame-ancestors *, no X-Frame-Options; a player and a link back", async () => {
    const res = await embed(room.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-frame-options")).toBeNull();
    const html = await res.text();
    expect(html).toContain('id="video"');
    expect(html).not.toContain('class="top"'); // no site header
    expect(html).toContain(`href="${BASE}/r/${room.slug}"`);
  });

  test("the Studio allow-list: validated, then only those origins (and our own pages) may frame it", async () => {
    const post = (origins: string) => ownerWeb.postForm(`/studio/rooms/${room.slug}/embed`, { origins });
    for (const [input, msg] of [["https://blog.example.com/path", "is not an origin"], ["*", "is not an origin"], ["javascript:alert(1)", "is not an origin"], [Array.from({ length: 21 }, (_, i) => `https://s${i}.example`).join("\n"), "At most 20"]] as const) {
      const r = await post(input);
      expect(r.status).toBe(422);
      expect(await r.text()).toContain(msg);
    }
    expect((await embed(room.slug)).headers.get("content-security-policy")).toContain("frame-ancestors *");
    const ok = await post("https://blog.example.com\n\nhttp://127.0.0.1:8081/\nhttps://blog.example.com");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(">http://127.0.0.1:8081\nhttps://blog.example.com</textarea>");
    const res = await embed(room.slug);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'self' http://127.0.0.1:8081 https://blog.example.com");
    expect(res.headers.get("x-frame-options")).toBeNull();
    const stranger = lh.session();
    await stranger.page("/");
    expect((await stranger.postForm(`/studio/rooms/${room.slug}/embed`, { origins: "" })).status).toBe(303); // to the login page
  });

  test("a members-only room embeds no player; an unknown room is the framed-nowhere 404", async () => {
    const locked = await embed(other.slug);
    const html = await locked.text();
    expect(html).not.toContain('id="video"');
    expect(html).toContain("needs a ticket or membership");
    const missing = await embed("no-such-room");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-frame-options")).toBe("DENY");
    expect(missing.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
