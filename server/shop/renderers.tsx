// HTML renderings (hx-swap-oob fragments) of the shop's room events, handed to the realtime hub.
import { renderPinEvent, renderPurchaseEvent } from "../../views/partials/shop";
import type { RoomRenderers } from "../realtime/model";

export const shopRenderers: RoomRenderers = { pin: renderPinEvent, purchase: renderPurchaseEvent };
