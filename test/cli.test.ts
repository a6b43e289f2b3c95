// The CLI as a user drives it: a child process per command, JSON on stdout, errors on stderr, exit codes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, removeDir, startServer, tempDataDir, ROOT, type RunningServer } from "./helpers/server";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  removeDir(server.dataDir);
});

describe("admin subcommands while the server runs", () => {
  test("user create, token create, room create, room key; the token works on the API", async () => {
    const user = await server.cli(["user", "create", "--username", "alice", "--password", "password123", "--role", "creator"]);
    expect(user.code).toBe(0);
    expect(user.json).toMatchObject({ username: "alice", role: "creator" });
    const token = await server.cli(["token", "create", "--username", "alice", "--name", "bot"]);
    expect(token.json.token).toMatch(/^lh_/);
    const room = await server.cli(["room", "create", "--owner", "alice", "--title", "Morning Show"]);
    expect(room.code).toBe(0);
    expect(room.json).toMatchObject({ slug: "morning-show" });
    expect(room.json.id).toBeGreaterThan(0);
    expect(room.json.streamKey).toMatch(/^live_/);
    const key = await server.cli(["room", "key", "--room", "morning-show"]);
    expect(key.json.streamKey).toBe(room.json.streamKey);
    const rotated = await server.cli(["room", "key", "--room", "morning-show", "--rotate"]);
    expect(rotated.json.streamKey).not.toBe(room.json.streamKey);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token.json.token}` } });
    expect(await me.json()).toMatchObject({ username: "alice" });
    const api = await (await fetch(`${server.url}/api/v1/rooms/morning-show`)).json();
    expect(api).toMatchObject({ slug: "morning-show", title: "Morning Show", url: "/r/morning-show", live: false });
  });

  const errors: { name: string; args: string[]; code: number; stderr: RegExp }[] = [
    { name: "unknown command", args: ["frobnicate"], code: 2, stderr: /unknown command "frobnicate"/ },
    { name: "missing flag", args: ["user", "create", "--username", "bob", "--role", "viewer"], code: 2, stderr: /--password is required/ },
    { name: "bad role", args: ["user", "create", "--username", "bob", "--password", "password123", "--role", "king"], code: 1, stderr: /--role must be one of/ },
    { name: "weak password", args: ["user", "create", "--username", "bob", "--password", "x", "--role", "viewer"], code: 1, stderr: /--password/ },
    { name: "unknown owner", args: ["room", "create", "--owner", "ghost", "--title", "T"], code: 1, stderr: /no user "ghost"/ },
    { name: "unknown room", args: ["room", "key", "--room", "nope"], code: 1, stderr: /no room "nope"/ },
    { name: "token for unknown user", args: ["token", "create", "--username", "ghost"], code: 1, stderr: /no user "ghost"/ },
    // Validator errors in the words a person understands, naming the flag (once printed as raw keys: "category: category").
    { name: "unknown category", args: ["room", "create", "--owner", "alice", "--title", "T", "--category", "dance"], code: 1, stderr: /^livehouse: --category must be one of just-chatting, gaming, music, education, shopping, creative, sports, other\n$/ },
    { name: "title too long", args: ["room", "create", "--owner", "alice", "--title", "x".repeat(101)], code: 1, stderr: /^livehouse: --title: Give the room a title of 1–100 characters\.\n$/ },
    { name: "bad username", args: ["user", "create", "--username", "a b", "--password", "password123", "--role", "viewer"], code: 1, stderr: /^livehouse: --username: Use 3–32 letters, digits, dots, dashes or underscores\.\n$/ },
    { name: "display name too long", args: ["user", "create", "--username", "carol", "--password", "password123", "--role", "viewer", "--display-name", "x".repeat(51)], code: 1, stderr: /^livehouse: --display-name: Use 1–50 characters\.\n$/ },
    { name: "taken username", args: ["user", "create", "--username", "alice", "--password", "password123", "--role", "viewer"], code: 1, stderr: /^livehouse: --username: That username is taken\.\n$/ },
    { name: "unknown currency", args: ["product", "create", "--owner", "alice", "--title", "Tee", "--price", "100", "--currency", "ZZZ", "--stock", "1"], code: 1, stderr: /^livehouse: --currency: Choose a supported currency\.\n$/ },
    { name: "backup into a missing folder", args: ["backup", "--to", "/nonexistent-dir/x.db"], code: 1, stderr: /^livehouse: --to: [^\n]*\n$/ },
    { name: "negative price", args: ["product", "create", "--owner", "alice", "--title", "Tee", "--price", "-1", "--currency", "USD", "--stock", "1"], code: 1, stderr: /^livehouse: --price: give the price in minor units \(cents\), an integer from 0\n$/ },
  ];
  for (const row of errors) {
    test(`error on stderr, nothing on stdout: ${row.name}`, async () => {
      const r = await server.cli(row.args);
      expect(r.code).toBe(row.code);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(row.stderr);
    });
  }

  test("a wallet credit key reused with another amount is refused in one line", async () => {
    expect((await server.cli(["wallet", "credit", "--username", "alice", "--coins", "5", "--key", "grant-1"])).code).toBe(0);
    const r = await server.cli(["wallet", "credit", "--username", "alice", "--coins", "6", "--key", "grant-1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('livehouse: --key: "grant-1" was already used for a credit with other content; pick a new key to credit again\n');
  });

  test("backup makes a consistent copy while the server runs", async () => {
    const file = join(server.dataDir, "backup.db");
    const r = await server.cli(["backup", "--to", file]);
    expect(r.code).toBe(0);
    expect(r.json.file).toBe(file);
    const copy = new Database(file, { readonly: true });
    expect(copy.query("SELECT username FROM users").all()).toContainEqual({ username: "alice" });
    copy.close();
    const again = await server.cli(["backup", "--to", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`livehouse: --to: ${file} already exists; choose a new file\n`);
  });
});

describe("start-up refuses bad settings with one line naming the setting", () => {
  async function serve(args: string[], env: Record<string, string> = {}) {
    const proc = Bun.spawn([join(ROOT, "scripts/livehouse"), "serve", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env } });
    const timer = setTimeout(() => proc.kill(), 15_000);
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    clearTimeout(timer);
    return { stdout, stderr, code };
  }

  test("port out of range", async () => {
    const r = await serve(["--http-port", "70000", "--data-dir", tempDataDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("livehouse: --http-port: 70000 must be a port between 1 and 65535");
  });

  test("invalid env value", async () => {
    const r = await serve(["--data-dir", tempDataDir()], { LIVEHOUSE_RTMP_PORT: "many" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("LIVEHOUSE_RTMP_PORT");
  });

  test("a taken port", async () => {
    const r = await serve(["--http-port", String(server.httpPort), "--rtmp-port", String(await freePort()), "--data-dir", tempDataDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`livehouse: --http-port: port ${server.httpPort} is already in use`);
  });

  test("an unwritable data dir", async () => {
    const file = join(tempDataDir(), "plain-file");
    writeFileSync(file, "x");
    const r = await serve(["--data-dir", join(file, "data"), "--http-port", String(await freePort()), "--rtmp-port", String(await freePort())]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^livehouse: --data-dir: .* is not writable/);
  });

  test("SIGTERM stops the server cleanly", async () => {
    const s = await startServer();
    await s.stop("SIGTERM");
    expect(s.proc.exitCode).toBe(0);
    expect(s.output()).toContain("SIGTERM: stopping");
    removeDir(s.dataDir);
  });
});
