import { expect, test } from "bun:test";
import { getUserById } from "../accounts/storage";
import { createRoom, markLive, getRoomById } from "../rooms/rooms";
import { ledgerDb } from "../wallet/testing";
import { checkLedger, creditCoins, getBalance, platformBalance } from "../wallet/wallet";
import { board, createGift, goalFor, sendGift, setGoal, tierFor } from "./gifts";
import { renderBoardEvent } from "../../views/partials/gift-room";
import { migrate } from "../db/migrate";
import { createBus } from "../events/bus";
import { translator } from "../i18n";
import { resetBoardsOnBroadcast } from "./events";
import { giftsSchema } from "./schema";

function fixture() {
  const { db, user } = ledgerDb([giftsSchema]);
  const makerId = user("maker");
  db.run("UPDATE users SET role = 'creator' WHERE id = ?", [makerId]);
  const room = createRoom(db, getUserById(db, makerId)!, { title: "Gift room", description: "", category: "other", tags: "" });
  const rose = createGift(db, { name: "Rose", coins: 10 });
  if (!room.ok || !rose.ok) throw new Error("fixture");
  const viewer = (name: string, coins: number) => {
    const id = user(name);
    if (coins) creditCoins(db, { userId: id, coins, reason: "admin_credit", ref: "" });
    return getUserById(db, id)!;
  };
  return { db, room: room.value, rose: rose.value, makerId, viewer };
}

test("a send splits coins, records the send, and moves the board and the goal once even when replayed", () => {
  const { db, room, rose, makerId, viewer } = fixture();
  const a = viewer("alice", 100);
  const b = viewer("bob", 100);
  setGoal(db, room.id, { title: "Mic", target: 50 });
  const send = (u: typeof a, count: number, key: string) =>
    sendGift(db, { sender: u, room, giftId: rose.id, count, idempotencyKey: key, creatorSharePercent: 70 });
  const first = send(a, 2, "a1");
  expect(first.ok && [first.balance, first.send.coins, first.send.creatorCoins, first.send.platformCoins]).toEqual([80, 20, 14, 6]);
  expect(send(a, 2, "a1")).toMatchObject({ ok: true, replay: true, balance: 80 });
  expect(send(b, 3, "b1").ok).toBe(true);
  expect(board(db, room).map((g) => [g.displayName, g.coins])).toEqual([["bob", 30], ["alice", 20]]);
  expect(send(a, 1, "a2").ok).toBe(true);
  // A tie keeps the earlier gifter first.
  expect(board(db, room).map((g) => [g.displayName, g.coins])).toEqual([["alice", 30], ["bob", 30]]);
  expect(goalFor(db, room.id)).toEqual({ title: "Mic", target: 50, progress: 60 });
  expect([getBalance(db, makerId), platformBalance(db)]).toEqual([7 * 6, 3 * 6]);
  expect(checkLedger(db).ok).toBe(true);
  // Setting the goal again starts counting from zero; target 0 removes it.
  setGoal(db, room.id, { title: "Lights", target: 100 });
  expect(goalFor(db, room.id)?.progress).toBe(0);
  expect(setGoal(db, room.id, { title: "", target: 0 })).toEqual({ ok: true, value: null });
});

test("each broadcast has its own board; refusals move nothing", () => {
  const { db, room, rose, viewer } = fixture();
  const a = viewer("alice", 25);
  expect(sendGift(db, { sender: a, room, giftId: rose.id, count: 1, idempotencyKey: "k1", creatorSharePercent: 70 }).ok).toBe(true);
  markLive(db, room.id, 1_000);
  const live = getRoomById(db, room.id)!;
  expect(board(db, live)).toEqual([]);
  expect(sendGift(db, { sender: a, room: live, giftId: rose.id, count: 2, idempotencyKey: "k2", creatorSharePercent: 70 })).toMatchObject({ ok: false, error: "insufficient" });
  expect(sendGift(db, { sender: a, room: live, giftId: 999, count: 1, idempotencyKey: "k3", creatorSharePercent: 70 })).toEqual({ ok: false, error: "gift_not_found" });
  expect(sendGift(db, { sender: a, room: live, giftId: rose.id, count: 3, idempotencyKey: "k1", creatorSharePercent: 70 })).toMatchObject({ ok: false, error: "conflict" });
  expect(board(db, live)).toEqual([]);
  expect(getBalance(db, a.id)).toBe(15);
});

test("tiers follow the price unless chosen; bad gifts are refused", () => {
  expect([1, 9, 10, 99, 100, 999, 1000].map(tierFor)).toEqual([1, 1, 2, 2, 3, 3, 4]);
  const { db } = fixture();
  expect(createGift(db, { name: "", coins: 1 })).toMatchObject({ ok: false });
  expect(createGift(db, { name: "x".repeat(41), coins: 1 })).toMatchObject({ ok: false });
  expect(createGift(db, { name: "Yacht", coins: 5000, tier: 1 })).toMatchObject({ ok: true, value: { tier: 1 } });
});

test("the totals migration backfills the board and the goal from earlier sends", () => {
  const first = { ...giftsSchema, migrations: giftsSchema.migrations.slice(0, 1) };
  const { db, user } = ledgerDb([first]);
  const maker = user("maker");
  const fan = user("fan");
  db.run("INSERT INTO rooms (id, owner_id, slug, title, stream_key, created_at, updated_at) VALUES (1, ?, 'r', 'R', 'k', 0, 0)", [maker]);
  db.run("INSERT INTO gifts (id, name, coins, tier, created_at) VALUES (1, 'Rose', 10, 2, 0)");
  db.run("INSERT INTO gift_goals (room_id, title, target, started_at) VALUES (1, 'Mic', 100, 5)");
  for (const [id, at] of [[1, 1], [2, 10]] as const) {
    const tx = creditCoins(db, { userId: fan, coins: 10, reason: "admin_credit", ref: "" }).entryId;
    db.run("INSERT INTO gift_sends (id, tx_id, room_id, broadcast_at, sender_id, creator_id, gift_id, count, coins, creator_coins, platform_coins, created_at) VALUES (?, ?, 1, 0, ?, ?, 1, 1, 10, 7, 3, ?)", [id, tx, fan, maker, at]);
  }
  migrate(db, [giftsSchema]);
  expect(db.query("SELECT sender_id AS s, coins, first_send AS f FROM gift_board").all()).toEqual([{ s: fan, coins: 20, f: 1 }]);
  expect(goalFor(db, 1)).toEqual({ title: "Mic", target: 100, progress: 10 });
});

test("a new broadcast clears the top-gifters board on open pages", () => {
  const bus = createBus();
  const seen: unknown[] = [];
  bus.on("room.event", (e) => seen.push(e));
  resetBoardsOnBroadcast(bus);
  bus.emit("broadcast.started", { roomId: 4, slug: "r", broadcastId: 9, at: 1 });
  expect(seen).toEqual([{ roomId: 4, event: { type: "board", top: [] } }]);
  const html = renderBoardEvent({ type: "board", top: [] }, translator("en"));
  expect(html).toContain('id="top-gifters-card" hx-swap-oob="outerHTML"');
  expect(html).toContain("No gifts yet.");
});
