// scripts/bench-tickets: a class with S seats, N buyers at once over HTTP against the real server (auth,
// validation, the early "full" read, one IMMEDIATE transaction on the synchronous=FULL connection with the
// conditional seat update and the coin payment). Baseline in the same run: the same buyTicket rule called
// in-process on its own synchronous=FULL file (no HTTP). Prints exactly-S check, req/s, p50/p99; bounded by
// --max-seconds; only talks to 127.0.0.1.
import { createBus } from "../server/events/bus";
import { migrate } from "../server/db/migrate";
import { openDb } from "../server/db/open";
import { SCHEMAS } from "../server/db/schema";
import { createClass } from "../server/classes/classes";
import { buyTicket, type PaidEnv } from "../server/classes/tickets";
import { removeDir, startServer, tempDataDir } from "../test/helpers/server";
import { api, seedUsers } from "../test/classes-helpers";
import { deadline, opt, pct } from "./bench-live-lib";
import { join } from "node:path";
import { getUserByUsername } from "../server/accounts/accounts";

const BUYERS = opt("buyers", 1000);
const SEATS = opt("seats", 100);
const MAX_SECONDS = opt("max-seconds", 120);
deadline(MAX_SECONDS * 1000, () => {});

const users = () => [{ username: "teacher", role: "creator" as const }, ...Array.from({ length: BUYERS }, (_, i) => ({ username: `buyer${i}`, coins: 1000 }))];

async function overHttp() {
  const dataDir = tempDataDir("lh-bench-tickets-");
  const seeded = seedUsers(dataDir, users());
  const server = await startServer({ dataDir });
  try {
    const starts = new Date(Date.now() + 86_400_000).toISOString();
    const c = await server.cli(["class", "create", "--owner", "teacher", "--title", "Bench", "--starts", starts, "--minutes", "60", "--price", "100", "--currency", "COIN", "--capacity", String(SEATS)]);
    if (c.code !== 0) throw new Error(c.stderr);
    const lat: number[] = [];
    const t0 = performance.now();
    const codes = await Promise.all(seeded.slice(1).map(async (b, i) => {
      const s = performance.now();
      const r = await api(server.url, b.token)("POST", `/api/v1/classes/${c.json.id}/tickets`, { provider: "wallet", idempotencyKey: `bench-${i}-abcdef` });
      lat.push(performance.now() - s);
      return r.status;
    }));
    const seconds = (performance.now() - t0) / 1000;
    const cls = await api(server.url, seeded[0]!.token)("GET", `/api/v1/classes/${c.json.id}`);
    const check = await server.cli(["wallet", "check"]);
    return { created: codes.filter((x) => x === 201).length, refused: codes.filter((x) => x === 409).length, other: codes.filter((x) => x !== 201 && x !== 409).length, seatsTaken: cls.json.seatsTaken, ledgerOk: check.code === 0, seconds, lat };
  } finally {
    await server.stop();
    removeDir(dataDir);
  }
}

function inProcess() {
  const dataDir = tempDataDir("lh-bench-tickets-raw-");
  const seeded = seedUsers(dataDir, users());
  const db = openDb(join(dataDir, "livehouse.db"), "money");
  try {
    migrate(db, SCHEMAS);
    const teacher = getUserByUsername(db, "teacher")!;
    const env: PaidEnv = { db, bus: createBus(() => {}), now: Date.now, sharePercent: 80, reservationMs: 60_000, stripe: { enabled: () => false, checkout: () => Promise.reject(new Error("off")), refund: async () => "off" } };
    const made = createClass(db, teacher, null, { title: "Bench", description: "", startsAt: Date.now() + 86_400_000, minutes: 60, priceMinor: 100, currency: "COIN", capacity: SEATS, replayIncluded: true }, Date.now());
    if (!made.ok) throw new Error(made.message);
    const lat: number[] = [];
    const t0 = performance.now();
    let created = 0;
    for (const [i, b] of seeded.slice(1).entries()) {
      const s = performance.now();
      if (buyTicket(env, { classId: made.value.id, userId: b.id, provider: "wallet", idempotencyKey: `bench-${i}-abcdef`, coupon: null, email: null }).ok) created++;
      lat.push(performance.now() - s);
    }
    return { created, seconds: (performance.now() - t0) / 1000, lat };
  } finally {
    db.close();
    removeDir(dataDir);
  }
}

const raw = inProcess();
const http = await overHttp();
const fmt = (n: number) => n.toFixed(1);
console.log(`bench-tickets: ${BUYERS} buyers race for ${SEATS} seats`);
console.log(`  HTTP (real server): ${http.created} × 201, ${http.refused} × 409, ${http.other} other; seats taken ${http.seatsTaken}; wallet check ${http.ledgerOk ? "ok" : "FAILED"}`);
console.log(`    ${fmt(BUYERS / http.seconds)} req/s, p50 ${fmt(pct(http.lat, 50))} ms, p99 ${fmt(pct(http.lat, 99))} ms, ${fmt(http.seconds)} s total`);
console.log(`  baseline (buyTicket in-process, one after another): ${raw.created} tickets, ${fmt(BUYERS / raw.seconds)} calls/s, p50 ${fmt(pct(raw.lat, 50))} ms, p99 ${fmt(pct(raw.lat, 99))} ms`);
const exact = http.created === SEATS && http.refused === BUYERS - SEATS && http.seatsTaken === SEATS && raw.created === SEATS && http.ledgerOk;
console.log(exact ? "  exactly the capacity sold: ok" : "  OVERSOLD OR LOST REQUESTS");
process.exit(exact ? 0 : 1);
