// The only file of the gifts domain with SQL.
import type { Database } from "bun:sqlite";
import type { EarningRow, Gift, GiftSend, Gifter, Goal, ReceivedRow, Tier } from "./model";

interface GiftRow { id: number; name: string; image: string | null; coins: number; tier: number; active: number; created_at: number }

const toGift = (r: GiftRow): Gift => ({ id: r.id, name: r.name, image: r.image, coins: r.coins, tier: r.tier as Tier, active: r.active === 1, createdAt: r.created_at });

export function insertGift(db: Database, g: { name: string; image: string | null; coins: number; tier: Tier; now: number }): Gift {
  return toGift(
    db.query<GiftRow, [string, string | null, number, number, number]>(
      "INSERT INTO gifts (name, image, coins, tier, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
    ).get(g.name, g.image, g.coins, g.tier, g.now)!,
  );
}

export function updateGift(db: Database, id: number, g: { name: string; coins: number; tier: Tier; active: boolean; image?: string | null }): void {
  db.query("UPDATE gifts SET name = ?, coins = ?, tier = ?, active = ?, image = COALESCE(?, image) WHERE id = ?").run(g.name, g.coins, g.tier, g.active ? 1 : 0, g.image ?? null, id);
}

export function getGift(db: Database, id: number): Gift | null {
  const r = db.query<GiftRow, [number]>("SELECT * FROM gifts WHERE id = ?").get(id);
  return r ? toGift(r) : null;
}

export function listGifts(db: Database, activeOnly: boolean): Gift[] {
  return db.query<GiftRow, [number]>("SELECT * FROM gifts WHERE active >= ? ORDER BY coins, id").all(activeOnly ? 1 : 0).map(toGift);
}

interface SendRow { id: number; tx_id: number; room_id: number; sender_id: number; gift_id: number; count: number; coins: number; creator_coins: number; platform_coins: number; created_at: number }

const toSend = (r: SendRow): GiftSend => ({
  id: r.id, txId: r.tx_id, roomId: r.room_id, senderId: r.sender_id, giftId: r.gift_id, count: r.count, coins: r.coins,
  creatorCoins: r.creator_coins, platformCoins: r.platform_coins, createdAt: r.created_at,
});

export function insertSend(
  db: Database,
  s: { txId: number; roomId: number; broadcastAt: number; senderId: number; creatorId: number; giftId: number; count: number; coins: number; creatorCoins: number; platformCoins: number; now: number },
): GiftSend {
  return toSend(
    db.query<SendRow, [number, number, number, number, number, number, number, number, number, number, number]>(
      `INSERT INTO gift_sends (tx_id, room_id, broadcast_at, sender_id, creator_id, gift_id, count, coins, creator_coins, platform_coins, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(s.txId, s.roomId, s.broadcastAt, s.senderId, s.creatorId, s.giftId, s.count, s.coins, s.creatorCoins, s.platformCoins, s.now)!,
  );
}

/** Adds a send to the broadcast's board and the room's goal; call in the send's transaction. */
export function addToTotals(db: Database, send: GiftSend, broadcastAt: number): void {
  db.query(
    `INSERT INTO gift_board (room_id, broadcast_at, sender_id, coins, first_send) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(room_id, broadcast_at, sender_id) DO UPDATE SET coins = coins + excluded.coins`,
  ).run(send.roomId, broadcastAt, send.senderId, send.coins, send.id);
  db.query("UPDATE gift_goals SET progress = progress + ? WHERE room_id = ?").run(send.coins, send.roomId);
}

export function sendByTx(db: Database, txId: number): GiftSend | null {
  const r = db.query<SendRow, [number]>("SELECT * FROM gift_sends WHERE tx_id = ?").get(txId);
  return r ? toSend(r) : null;
}

export function topGifters(db: Database, roomId: number, broadcastAt: number, limit: number): Gifter[] {
  return db.query<Gifter, [number, number, number]>(
    `SELECT b.sender_id AS userId, u.display_name AS displayName, b.coins FROM gift_board b JOIN users u ON u.id = b.sender_id
     WHERE b.room_id = ? AND b.broadcast_at = ? ORDER BY b.coins DESC, b.first_send LIMIT ?`,
  ).all(roomId, broadcastAt, limit);
}

export function getGoal(db: Database, roomId: number): Goal | null {
  return db.query<Goal, [number]>("SELECT title, target, progress FROM gift_goals WHERE room_id = ?").get(roomId);
}

export function setGoal(db: Database, roomId: number, g: { title: string; target: number; now: number }): void {
  db.query(
    `INSERT INTO gift_goals (room_id, title, target, started_at, progress) VALUES (?, ?, ?, ?, 0)
     ON CONFLICT(room_id) DO UPDATE SET title = excluded.title, target = excluded.target, started_at = excluded.started_at, progress = 0`,
  ).run(roomId, g.title, g.target, g.now);
}

export function clearGoal(db: Database, roomId: number): void {
  db.query("DELETE FROM gift_goals WHERE room_id = ?").run(roomId);
}

export function earningsByRoom(db: Database, creatorId: number, since: number): EarningRow[] {
  return db.query<EarningRow, [number, number]>(
    `SELECT r.id AS roomId, r.title AS roomTitle, r.slug AS roomSlug, SUM(s.coins) AS coins, SUM(s.creator_coins) AS creatorCoins, COUNT(*) AS sends
     FROM gift_sends s JOIN rooms r ON r.id = s.room_id WHERE s.creator_id = ? AND s.created_at >= ? GROUP BY r.id ORDER BY creatorCoins DESC`,
  ).all(creatorId, since);
}

export function recentReceived(db: Database, creatorId: number, limit: number): ReceivedRow[] {
  return db.query<ReceivedRow, [number, number]>(
    `SELECT s.id, s.created_at AS createdAt, u.display_name AS sender, g.name AS giftName, s.count, s.creator_coins AS creatorCoins, r.title AS roomTitle
     FROM gift_sends s JOIN users u ON u.id = s.sender_id JOIN gifts g ON g.id = s.gift_id JOIN rooms r ON r.id = s.room_id
     WHERE s.creator_id = ? ORDER BY s.id DESC LIMIT ?`,
  ).all(creatorId, limit);
}
