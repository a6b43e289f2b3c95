// Static assets embedded with `with { type: "file" }` so they also ship inside a `bun build --compile` binary.
// Each is served under a content-hash URL with immutable caching; views ask views/assets.ts for the current URL.
import htmxJs from "../../node_modules/htmx.org/dist/htmx.min.js" with { type: "file" };
import hxWsJs from "../../node_modules/htmx.org/dist/ext/hx-ws.min.js" with { type: "file" };
import hlsJs from "../../node_modules/hls.js/dist/hls.light.min.js" with { type: "file" };
import appCss from "../../public/css/app.css" with { type: "file" };
import appJs from "../../public/js/app.js" with { type: "file" };
import shopJs from "../../public/js/shop.js" with { type: "file" };
import giftsJs from "../../public/js/gifts.js" with { type: "file" };
import overlayJs from "../../public/js/overlay.js" with { type: "file" };
import overlayCss from "../../public/css/overlay.css" with { type: "file" };
import playerJs from "../../public/js/player.js" with { type: "file" };
import replayJs from "../../public/js/replay.js" with { type: "file" };
import roomJs from "../../public/js/room.js" with { type: "file" };
import sponsorsJs from "../../public/js/sponsors.js" with { type: "file" };
import shareJs from "../../public/js/share.js" with { type: "file" };
import bellJs from "../../public/js/bell.js" with { type: "file" };
import { Elysia } from "elysia";
import { setAssetUrl } from "../../views/assets";

const SOURCES: Record<string, string> = {
  "htmx.js": htmxJs,
  "hx-ws.js": hxWsJs,
  "hls.js": hlsJs,
  "app.css": appCss,
  "app.js": appJs,
  "shop.js": shopJs,
  "gifts.js": giftsJs,
  "overlay.js": overlayJs,
  "overlay.css": overlayCss,
  "player.js": playerJs,
  "replay.js": replayJs,
  "room.js": roomJs,
  "sponsors.js": sponsorsJs,
  "share.js": shareJs,
  "bell.js": bellJs,
};

interface Asset {
  url: string;
  bytes: Uint8Array<ArrayBuffer>;
  type: string;
}

const byUrl = new Map<string, Asset>();

async function registerAsset(name: string, path: string): Promise<void> {
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  const hash = new Bun.CryptoHasher("sha256").update(bytes).digest("hex").slice(0, 10);
  const dot = name.lastIndexOf(".");
  const url = `/assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  const type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
  const asset = { url, bytes, type };
  byUrl.set(url, asset);
  setAssetUrl(name, url);
}

export async function loadAssets(): Promise<void> {
  for (const [name, path] of Object.entries(SOURCES)) await registerAsset(name, path);
}

export function assetRoutes() {
  return new Elysia({ name: "livehouse.assets" }).get("/assets/:file", ({ params }) => {
    const a = byUrl.get(`/assets/${params.file}`);
    if (!a) return new Response("not found", { status: 404 });
    return new Response(a.bytes, { headers: { "content-type": a.type, "cache-control": "public, max-age=31536000, immutable" } });
  });
}
