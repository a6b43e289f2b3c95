// Finding 9 in a real Chromium: the pages work under the Content-Security-Policy (no violation reported while
// logging in and using the room, studio, shop and wallet pages), and another site cannot frame a page while
// it can frame an overlay.
import { expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { serverAndBrowser } from "./helpers/browser";
import { freePort } from "./helpers/server";

const suite = serverAndBrowser();

async function watch(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return violations;
}

test("the pages raise no CSP violation while a creator logs in and uses them", async () => {
  const { server } = suite;
  await server.cli(["user", "create", "--username", "root", "--password", "password123", "--role", "admin"]);
  await server.cli(["user", "create", "--username", "maker", "--password", "password123", "--role", "creator"]);
  const slug = (await server.cli(["room", "create", "--owner", "maker", "--title", "CSP room"])).json.slug;
  const page = await suite.browser.newPage();
  const violations = await watch(page);
  await page.goto(`${server.url}/login`);
  await page.fill("input[name=username]", "maker");
  await page.fill("input[name=password]", "password123");
  await Promise.all([page.waitForURL(`${server.url}/`), page.click("#auth-form button")]);
  for (const path of [`/r/${slug}`, "/studio", `/studio/rooms/${slug}`, "/shop/orders", "/wallet", "/settings"]) {
    const res = await page.goto(server.url + path);
    expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
    await page.waitForLoadState("networkidle");
  }
  // htmx ran under the policy: the room page's hx-get mounts were filled in.
  await page.goto(`${server.url}/r/${slug}`);
  await page.waitForSelector("#gift-side", { timeout: 10_000 });
  expect(violations).toEqual([]);
  await page.close();
}, 120_000);

test("another site cannot frame a page, but can frame an overlay", async () => {
  const { server } = suite;
  const port = await freePort();
  // A different origin (localhost vs 127.0.0.1) framing our login page and the pin overlay.
  const slug = (await server.cli(["room", "create", "--owner", "maker", "--title", "Frame room"])).json.slug;
  const evil = Bun.serve({
    port, hostname: "127.0.0.1",
    fetch: () => new Response(`<iframe id="a" src="http://localhost:${server.httpPort}/login"></iframe><iframe id="b" src="http://localhost:${server.httpPort}/shop/rooms/${slug}/overlay"></iframe>`, { headers: { "content-type": "text/html" } }),
  });
  try {
    const page = await suite.browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForTimeout(1500);
    const urls = page.frames().slice(1).map((f) => f.url());
    const login = page.frames().find((f) => f.url().endsWith("/login"));
    const overlay = page.frames().find((f) => f.url().endsWith("/overlay"));
    expect(urls.length).toBe(2);
    // A blocked frame shows Chromium's error page, not ours.
    expect(login ? await login.content() : "").not.toContain('name="password"');
    expect(overlay).toBeDefined();
    expect(await overlay!.content()).toContain("<html");
    await page.close();
  } finally {
    evil.stop(true);
  }
}, 60_000);
