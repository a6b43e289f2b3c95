// The room event a gift puts on the bus (JSON for bots and overlays; the renderer turns it into HTML for pages).
import type { Database } from "bun:sqlite";
import type { User } from "../accounts/model";
import type { Bus } from "../events/bus";
import type { Room } from "../rooms/model";
import { board, goalFor } from "./gifts";
import { giftImageUrl, type Gift, type GiftEvent, type GiftSend, type Goal } from "./model";

export function publishGift(db: Database, bus: Bus, x: { room: Room; sender: User; gift: Gift; send: GiftSend; combo: number }): void {
  const event: GiftEvent = {
    type: "gift", id: x.send.id,
    sender: { username: x.sender.username, displayName: x.sender.displayName },
    gift: { id: x.gift.id, name: x.gift.name, image: giftImageUrl(x.gift.image), tier: x.gift.tier, coins: x.gift.coins },
    count: x.send.count, combo: x.combo, coins: x.send.coins, at: x.send.createdAt,
    top: board(db, x.room).map(({ displayName, coins }) => ({ displayName, coins })),
    goal: goalFor(db, x.room.id),
  };
  bus.emit("room.event", { roomId: x.room.id, event });
  bus.emit("gift.sent", {
    roomId: x.room.id, sendId: x.send.id, senderId: x.send.senderId, creatorId: x.room.ownerId, giftId: x.gift.id, count: x.send.count,
    coins: x.send.coins, creatorCoins: x.send.creatorCoins, platformCoins: x.send.platformCoins, at: x.send.createdAt,
  });
}

/** A new broadcast starts with an empty top-gifters board on every open page. */
export function resetBoardsOnBroadcast(bus: Bus): () => void {
  return bus.on("broadcast.started", ({ roomId }) => bus.emit("room.event", { roomId, event: { type: "board", top: [] } }));
}

/** Goal changes reach pages and overlays as their own event. */
export function publishGoal(bus: Bus, roomId: number, goal: Goal | null): void {
  bus.emit("room.event", { roomId, event: { type: "goal", goal } });
}
