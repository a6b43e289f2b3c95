// scripts/bench-gifts: gift sends through the whole server (HTTP, bearer auth, validation, rate limit, one
// IMMEDIATE transaction on the synchronous=FULL connection: conditional debit + ledger entries + send record,
// then the room event to the realtime hub) against the same domain call (sendGift) in-process on its own
// synchronous=FULL SQLite file, in the same run. One overlay socket listens and must see every committed gift.
// Prints sends/s, p50/p99 latency, the ratio to the in-process baseline, and checks the ledger afterwards.
// Bounded by --sends and --max-seconds; only talks to 127.0.0.1.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { insertUser } from "../server/accounts/storage";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { createGift, sendGift } from "../server/gifts/gifts";
import { createRoom } from "../server/rooms/rooms";
import { checkLedger, creditCoins } from "../server/wallet/wallet";
import { startServer } from "../test/helpers/server";
import { cliOk } from "../test/shop-helpers";
import { cpuOf, deadline, opt, pct } from "./bench-live-lib";

const SENDS = opt("sends", 3000);
const SENDERS = opt("senders", 50);
const CONCURRENCY = opt("concurrency", 50);
const MAX_SECONDS = opt("max-seconds", 90);
deadline(MAX_SECONDS * 1000, () => {});

async function serverRun() {
  // Each sender may send SENDS/SENDERS gifts per minute at most; lift the per-user limit above that.
  const srv = await startServer({ args: ["--gift-rate-per-minute", String(SENDS)] });
  try {
    await cliOk(srv, ["user", "create", "--username", "maker", "--password", "password123", "--role", "creator"]);
    const maker = (await cliOk(srv, ["token", "create", "--username", "maker"])).token as string;
    const slug = (await cliOk(srv, ["room", "create", "--owner", "maker", "--title", "Bench"])).slug as string;
    const giftId = (await cliOk(srv, ["gift", "create", "--name", "Rose", "--coins", "10"])).id as number;
    // Seed through the CLI, a few processes at a time, so seeding does not still load the machine when timing starts.
    const tokens: string[] = [];
    for (let i = 0; i < SENDERS; i += 4) {
      tokens.push(...await Promise.all(Array.from({ length: Math.min(4, SENDERS - i) }, async (_, j) => {
        const name = `sender${i + j}`;
        await cliOk(srv, ["user", "create", "--username", name, "--password", "password123", "--role", "viewer"]);
        await cliOk(srv, ["wallet", "credit", "--username", name, "--coins", String(10 * SENDS)]);
        return (await cliOk(srv, ["token", "create", "--username", name])).token as string;
      })));
    }
    const box = await (await fetch(`${srv.url}/studio/rooms/${slug}/overlay`, { headers: { authorization: `Bearer ${maker}` } })).text();
    const overlayToken = box.match(/\/overlay\/(ov_[A-Za-z0-9_-]+)\/alerts/)![1]!;
    let seen = 0;
    const ws = new WebSocket(`${srv.url.replace("http", "ws")}/overlay/${overlayToken}/ws`);
    ws.onmessage = (m) => {
      if (String(m.data).startsWith('{"type":"gift"')) seen++;
    };
    await new Promise((r) => (ws.onopen = r));

    const lat: number[] = [];
    const statuses: Record<number, number> = {};
    let next = 0;
    const cpu0 = cpuOf(srv.proc.pid);
    const started = performance.now();
    async function worker(): Promise<void> {
      for (let i = next++; i < SENDS; i = next++) {
        const t0 = performance.now();
        const res = await fetch(`${srv.url}/api/v1/rooms/${slug}/gifts`, {
          method: "POST", headers: { authorization: `Bearer ${tokens[i % SENDERS]}`, "content-type": "application/json" },
          body: JSON.stringify({ giftId, idempotencyKey: `bench-${i}` }),
        });
        await res.arrayBuffer();
        lat.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    const cpuMsPerSend = ((cpuOf(srv.proc.pid) - cpu0) * 1000) / SENDS;
    for (let i = 0; i < 200 && seen < (statuses[201] ?? 0); i++) await Bun.sleep(10);
    ws.close();
    const check = await srv.cli(["wallet", "check"]);
    return { seconds, perSec: SENDS / seconds, cpuMsPerSend, p50: pct(lat, 50), p99: pct(lat, 99), statuses, overlaySeen: seen, ledgerOk: check.code === 0 };
  } finally {
    await srv.stop();
    rmSync(srv.dataDir, { recursive: true, force: true });
  }
}

function baselineRun() {
  const dir = mkdtempSync(join(tmpdir(), "lh-bench-gifts-"));
  const db = openDb(join(dir, "livehouse.db"), "money");
  try {
    migrate(db, SCHEMAS);
    const now = Date.now();
    const maker = insertUser(db, { username: "maker", displayName: "maker", passwordHash: "x", role: "creator", now });
    const room = createRoom(db, maker, { title: "Bench", description: "", category: "other", tags: "" });
    const gift = createGift(db, { name: "Rose", coins: 10 });
    if (!room.ok || !gift.ok) throw new Error("bench: seed");
    const senders = Array.from({ length: SENDERS }, (_, i) => {
      const u = insertUser(db, { username: `sender${i}`, displayName: `sender${i}`, passwordHash: "x", role: "viewer", now });
      creditCoins(db, { userId: u.id, coins: 10 * SENDS, reason: "admin_credit", ref: "" });
      return u;
    });
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < SENDS; i++) {
      const t0 = performance.now();
      const r = sendGift(db, { sender: senders[i % SENDERS]!, room: room.value, giftId: gift.value.id, count: 1, idempotencyKey: `bench-${i}`, creatorSharePercent: 70 });
      if (!r.ok) throw new Error("bench: baseline send failed");
      lat.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { seconds, perSec: SENDS / seconds, cpuMsPerSend: (cpu.user + cpu.system) / 1000 / SENDS, p50: pct(lat, 50), p99: pct(lat, 99), ledgerOk: checkLedger(db).ok };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Both sides are bound by the fsync of each commit (synchronous=FULL), which a busy disk makes noisy: the
// baseline runs before and after the server and the ratio uses their mean.
const before = baselineRun();
const srv = await serverRun();
await Bun.sleep(2000); // let the stopped server's last writes reach the disk before timing the baseline again
const after = baselineRun();
const base = { perSec: (before.perSec + after.perSec) / 2, cpuMsPerSend: (before.cpuMsPerSend + after.cpuMsPerSend) / 2, ledgerOk: before.ledgerOk && after.ledgerOk };
const f = (n: number) => n.toFixed(2);
console.log(`bench-gifts: ${SENDS} sends, ${SENDERS} senders, ${CONCURRENCY} concurrent HTTP clients; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (const [name, b] of [["before", before], ["after", after]] as const) {
  console.log(`  in-process sendGift (baseline, ${name}): ${Math.round(b.perSec)} sends/s  ${f(b.cpuMsPerSend)} CPU ms/send  p50 ${f(b.p50)} ms  p99 ${f(b.p99)} ms  ledger ${b.ledgerOk ? "ok" : "BROKEN"}`);
}
console.log(`  server over HTTP:                       ${Math.round(srv.perSec)} sends/s  ${f(srv.cpuMsPerSend)} CPU ms/send  p50 ${f(srv.p50)} ms  p99 ${f(srv.p99)} ms  ledger ${srv.ledgerOk ? "ok" : "BROKEN"}`);
console.log(`  statuses ${JSON.stringify(srv.statuses)}; overlay socket saw ${srv.overlaySeen} gift events`);
console.log(`  ratio server/baseline mean: throughput ${(srv.perSec / base.perSec).toFixed(2)}×, CPU per send ${(srv.cpuMsPerSend / base.cpuMsPerSend).toFixed(2)}× (server process only; wall times are fsync-bound and noisy on a shared disk)`);
if (!srv.ledgerOk || !base.ledgerOk || srv.statuses[201] !== SENDS || srv.overlaySeen !== SENDS) process.exit(1);
