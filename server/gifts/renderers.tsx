// HTML renderings (hx-swap-oob fragments) of the gifts domain's room events, handed to the realtime hub.
import { renderBoardEvent, renderGiftEvent, renderGoalEvent } from "../../views/partials/gift-room";
import type { RoomRenderers } from "../realtime/model";

export const giftRenderers: RoomRenderers = {
  gift: renderGiftEvent,
  board: renderBoardEvent,
  goal: renderGoalEvent,
};
