// Scenario tests for the accounts routes through app.handle against a fresh database.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testApp, type TestApp } from "../../test/helpers/app";
import type { WebSession } from "../../test/helpers/session";

let lh: TestApp;
beforeAll(async () => {
  lh = await testApp();
});
afterAll(() => lh.stop());

describe("first-run setup", () => {
  test("home leads to setup while no user exists", async () => {
    const s = lh.session();
    const { res } = await s.page("/");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/setup");
  });

  test("a form without the CSRF token is refused and writes nothing", async () => {
    const s = lh.session();
    await s.page("/setup");
    const res = await s.postForm("/setup", { username: "root", password: "password123" }, { "x-csrf-token": "forged-token-forged-token-forged!" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Reload the page");
    const plain = await s.fetch("/setup", { method: "POST", body: new URLSearchParams({ username: "root", password: "password123", _csrf: "nope" }), headers: { "x-csrf-token": "" } });
    expect(plain.status).toBe(403);
  });

  test("a short password is answered beside the field (htmx partial) and nothing is written", async () => {
    const s = lh.session();
    await s.page("/setup");
    const res = await s.postForm("/setup", { username: "root", password: "short" }, { "hx-request": "true" });
    expect(res.status).toBe(422);
    const body = await res.text();
    expect(body.startsWith("<form")).toBe(true);
    expect(body).toContain("Use at least 8 characters.");
    expect(body).toContain('value="root"');
    expect((await s.page("/")).res.headers.get("location")).toBe("/setup");
  });

  test("setup creates the admin, signs in, and closes itself", async () => {
    const s = lh.session();
    await s.page("/setup");
    const anonymousCsrf = s.csrf;
    const res = await s.postForm("/setup", { username: "root", password: "password123" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("lh_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const admin = await s.page("/admin");
    expect(admin.res.status).toBe(200);
    expect(s.csrf).not.toBe(anonymousCsrf);
    expect((await lh.session().page("/setup")).res.headers.get("location")).toBe("/login");
  });
});

describe("sign-up, login, roles", () => {
  async function signup(username: string): Promise<WebSession> {
    const s = lh.session();
    await s.page("/signup");
    const res = await s.postForm("/signup", { username, password: "password123", displayName: `<b>${username}</b>` });
    expect(res.status).toBe(303);
    await s.page("/");
    return s;
  }

  test("viewers cannot open the Studio or Admin", async () => {
    const v = await signup("viewer1");
    const studio = await v.page("/studio");
    expect(studio.res.status).toBe(403);
    expect(studio.body).toContain("Ask the administrator");
    expect((await v.page("/admin")).res.status).toBe(403);
    // Display names are escaped where they show.
    expect(studio.body).toContain("&lt;b&gt;viewer1&lt;/b&gt;");
  });

  test("the admin promotes a viewer to creator", async () => {
    const v = await signup("viewer2");
    const admin = lh.session();
    await admin.login("root", "password123");
    const { body } = await admin.page("/admin");
    const id = body.match(/id="user-(\d+)"><td>viewer2</)?.[1];
    expect(id).toBeDefined();
    const res = await admin.postForm(`/admin/users/${id}/role`, { role: "creator" }, { "hx-request": "true" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('value="creator" selected');
    expect((await v.page("/studio")).res.status).toBe(200);
  });

  test("a viewer cannot change roles", async () => {
    const v = await signup("viewer3");
    const res = await v.postForm("/admin/users/1/role", { role: "viewer" });
    expect(res.status).toBe(403);
  });

  test("wrong password → 401 with a message; the sixth try in a minute is rate-limited", async () => {
    const s = lh.session();
    await s.page("/login");
    const first = await s.postForm("/login", { username: "root", password: "wrong-one" }, { "hx-request": "true" });
    expect(first.status).toBe(401);
    expect(await first.text()).toContain("Wrong username or password.");
    for (let i = 0; i < 4; i++) await s.postForm("/login", { username: "root", password: "wrong-one" });
    const limited = await s.postForm("/login", { username: "root", password: "password123" });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/Too many attempts\. Try again in \d+ seconds\./);
  });

  test("logout kills the session on the server", async () => {
    const s = await signup("viewer4");
    const stolen = s.cookies.get("lh_session")!;
    const res = await s.postForm("/logout", {});
    expect(res.status).toBe(303);
    const replay = lh.session();
    replay.cookies.set("lh_session", stolen);
    expect((await replay.page("/settings")).res.status).toBe(303);
  });

  test("tokens made in Settings authenticate API calls and are shown once", async () => {
    const s = await signup("viewer5");
    await s.page("/settings");
    const res = await s.postForm("/settings/tokens", { name: "my bot" }, { "hx-request": "true" });
    const body = await res.text();
    const token = body.match(/id="new-token">([^<]+)</)?.[1];
    expect(token).toMatch(/^lh_/);
    expect((await s.page("/settings")).body).not.toContain(token!);
    const bot = lh.session();
    const me = await bot.fetch("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ username: "viewer5" });
    expect((await bot.fetch("/api/v1/me", { headers: { authorization: "Bearer lh_wrong" } })).status).toBe(401);
    // A bearer call needs no CSRF token: it carries no ambient authority.
    expect((await bot.fetch("/api/v1/me", { method: "POST", headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  test("language follows Accept-Language and the switch", async () => {
    const s = lh.session();
    const zh = await s.fetch("/login", { headers: { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" } });
    expect(await zh.text()).toContain("登录");
    await s.page("/login");
    const sw = await s.postForm("/lang", { lang: "zh", back: "/login" });
    expect(sw.headers.get("location")).toBe("/login");
    expect((await s.page("/login")).body).toContain('lang="zh-CN"');
    const evil = await s.postForm("/lang", { lang: "en", back: "//evil.example" });
    expect(evil.headers.get("location")).toBe("/");
  });

  test("malformed form gets a clear error", async () => {
    const s = lh.session();
    await s.page("/login");
    const res = await s.postForm("/login", { username: "x" });
    expect(res.status).toBe(422);
  });
});
