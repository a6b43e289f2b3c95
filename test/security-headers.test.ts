// Security headers on every route of the app (enumerated from the router, so new routes are covered too), for
// pages, API, files and errors alike; only the overlays may be framed; HSTS only behind an https public URL.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { testApp, type TestApp } from "./helpers/app";

let lh: TestApp;
let https: TestApp;
beforeAll(async () => {
  lh = await testApp();
  https = await testApp(["--public-url", "https://live.example.com"]);
});
afterAll(async () => {
  await lh.stop();
  await https.stop();
});

/** Every HTTP route with its params filled in; WebSocket routes answer plain GETs too. */
export function concretePaths(app: TestApp["app"]): { method: string; path: string }[] {
  return app.routes
    .filter((r) => r.method !== "WS")
    .map((r) => ({ method: r.method === "ALL" ? "GET" : r.method, path: r.path.replace(/:[A-Za-z]+/g, "1").replace(/\*$/, "x") }));
}

const embeddable = (path: string) => path.startsWith("/overlay/") || /^\/shop\/rooms\/[^/]+\/overlay$/.test(path);

test("every route answers with nosniff, referrer policy, CSP and frame protection", async () => {
  const routes = [...concretePaths(lh.app), { method: "GET", path: "/no/such/page" }, { method: "GET", path: "/api/v1/nope" }, { method: "POST", path: "/login" }];
  expect(routes.length).toBeGreaterThan(50);
  for (const { method, path } of routes) {
    const res = await lh.app.handle(new Request("http://localhost" + path, { method, body: method === "GET" || method === "HEAD" ? undefined : "{", headers: { "content-type": "application/json" } }));
    const h = res.headers;
    const got = { route: `${method} ${path}`, nosniff: h.get("x-content-type-options"), referrer: h.get("referrer-policy"), csp: h.get("content-security-policy") ?? "", xfo: h.get("x-frame-options"), hsts: h.get("strict-transport-security") };
    expect(got).toMatchObject({ nosniff: "nosniff", referrer: "same-origin", hsts: null });
    expect(got.csp).toContain("script-src 'self'");
    expect(got.csp).toContain("object-src 'none'");
    if (embeddable(path)) {
      expect(got).toMatchObject({ xfo: null });
      expect(got.csp).toContain("frame-ancestors *");
    } else {
      expect(got).toMatchObject({ route: got.route, xfo: "DENY" });
      expect(got.csp).toContain("frame-ancestors 'none'");
    }
  }
});

test("HSTS is sent when the public URL is https", async () => {
  for (const path of ["/", "/healthz", "/api/v1/gifts", "/nope"]) {
    const res = await https.app.handle(new Request("http://localhost" + path));
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
  }
});

test("the pages carry no inline scripts or event handlers (the CSP would block them)", async () => {
  const s = lh.session();
  for (const path of ["/", "/login", "/signup", "/shop", "/wallet"]) {
    const { body } = await s.page(path);
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(body).not.toMatch(/\son[a-z]+\s*=/i);
  }
});
