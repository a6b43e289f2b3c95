// Property-style invariant test of the ledger under real concurrency: several processes move coins between the
// same wallets in one SQLite file with random amounts and a small pool of idempotency keys. Whatever the
// interleaving: balances never go negative, every key debits at most once, replays return the first result,
// each final balance equals what the reported results imply, and the ledger check holds.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ledgerDb } from "../server/wallet/testing";
import { checkLedger, creditCoins, getBalance, platformBalance } from "../server/wallet/wallet";

const BUN = join(import.meta.dir, "../node_modules/.bin/bun");

interface TransferLine { op: "transfer"; payerId: number; to: number; coins: number; creator: number; key: string; hash: string; r: { ok: boolean; error?: string; entryId?: number; replay?: boolean; balance?: number } }
interface CreditLine { op: "credit"; userId: number; coins: number; replay: boolean }

test("ledger invariants hold under concurrent processes", async () => {
  const { db, path, user } = ledgerDb();
  const users = ["u1", "u2", "u3", "u4", "u5"].map(user);
  for (const u of users) creditCoins(db, { userId: u, coins: 40, reason: "admin_credit", ref: "seed" });
  const workers = [11, 23, 37, 41].map((seed) =>
    Bun.spawn([BUN, join(import.meta.dir, "wallet-ledger-worker.ts"), path, String(seed), "400", users.join(",")], { stdout: "pipe", stderr: "inherit" }),
  );
  const outputs = await Promise.all(workers.map(async (w) => {
    const text = await new Response(w.stdout).text();
    expect(await w.exited).toBe(0);
    return text;
  }));
  const lines = outputs.join("\n").split("\n").filter(Boolean).map((l) => JSON.parse(l) as TransferLine | CreditLine);
  expect(lines.length).toBe(1600);

  const expected = new Map<number | "platform", number>(users.map((u) => [u, 40]));
  expected.set("platform", 0);
  const add = (k: number | "platform", n: number) => expected.set(k, (expected.get(k) ?? 0) + n);
  const firstByKey = new Map<string, TransferLine>();
  let insufficient = 0;
  let conflicts = 0;
  let replays = 0;
  for (const l of lines) {
    if (l.op === "credit") {
      add(l.userId, l.coins);
      continue;
    }
    if (!l.r.ok) {
      if (l.r.error === "insufficient") insufficient++;
      else conflicts++;
      continue;
    }
    const id = `${l.payerId}/${l.key}`;
    if (l.r.replay) {
      replays++;
      continue;
    }
    expect(firstByKey.has(id)).toBe(false); // one debit per key, across all processes
    firstByKey.set(id, l);
    add(l.payerId, -l.coins);
    add(l.to, l.creator);
    add("platform", l.coins - l.creator);
  }
  // Replays carry the first result; conflicts only ever meet other content.
  for (const l of lines) {
    if (l.op !== "transfer") continue;
    const first = firstByKey.get(`${l.payerId}/${l.key}`);
    if (l.r.ok && l.r.replay) {
      expect(l.r.entryId).toBe(first!.r.entryId!);
      expect(l.hash).toBe(first!.hash);
    }
    if (!l.r.ok && l.r.error === "conflict") expect(l.hash).not.toBe(first!.hash);
  }
  for (const u of users) expect(getBalance(db, u)).toBe(expected.get(u)!);
  expect(platformBalance(db)).toBe(expected.get("platform")!);
  expect(checkLedger(db)).toEqual({ ok: true, problems: [] });
  // The run must actually have exercised every path.
  expect(replays).toBeGreaterThan(0);
  expect(conflicts).toBeGreaterThan(0);
  expect(firstByKey.size).toBeGreaterThan(10);
  console.log(`ledger property run: ${firstByKey.size} debits, ${replays} replays, ${conflicts} conflicts, ${insufficient} refused`);
});
