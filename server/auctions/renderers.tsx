// HTML renderings (hx-swap-oob fragments) of the auctions domain's room events, handed to the realtime hub.
import { renderAuctionEvent, renderBidResult } from "../../views/partials/auction";
import type { RoomRenderers } from "../realtime/model";

export const auctionRenderers: RoomRenderers = { auction: renderAuctionEvent, bid_result: renderBidResult };
