// Room events are typed end to end. Each line marked @ts-expect-error hands a gift event whose `combo` field was
// renamed to one consumer: the bus (producers), the page renderer, the overlay's contract. If any of them accepted
// it, tsc would fail on the unused @ts-expect-error, so this file breaks the build when the typing weakens.
import { expect, test } from "bun:test";
import { createBus } from "../events/bus";
import type { GiftEvent } from "../gifts/model";
import { giftRenderers } from "../gifts/renderers";
import { translator } from "../i18n";
import type { OverlayReads } from "../overlays/model";
import { createHub, type HubSocket } from "./hub";

const gift: GiftEvent = {
  type: "gift", id: 1, sender: { username: "ann", displayName: "Ann" }, gift: { id: 2, name: "Rose", image: null, tier: 1, coins: 5 },
  count: 1, combo: 3, coins: 5, at: 1, top: [{ displayName: "Ann", coins: 15 }], goal: null,
};
const { combo, ...rest } = gift;
const renamed = { ...rest, comboCount: combo };

const forOverlay = (e: OverlayReads["gift"]) => e.combo;

test("a gift event reaches JSON sockets as is and pages rendered; a renamed field compiles nowhere", () => {
  const bus = createBus(() => {});
  const json: string[] = [];
  const bot: HubSocket = { send: (s) => json.push(s), close() {} };
  const hub = createHub({ bus, log: () => {}, renderers: giftRenderers });
  hub.join(1, bot, { kind: "json", lang: "en", userId: null });

  bus.emit("room.event", { roomId: 1, event: gift });
  expect(json).toEqual([JSON.stringify(gift)]);
  expect(giftRenderers.gift?.(gift, translator("en"))).toContain("×3");
  expect(forOverlay(gift)).toBe(3);

  // @ts-expect-error producers: the bus only takes whole room events
  bus.emit("room.event", { roomId: 1, event: renamed });
  // @ts-expect-error the page renderer reads `combo`
  expect(giftRenderers.gift?.(renamed, translator("en"))).not.toContain("×3");
  // @ts-expect-error public/js/overlay.js reads `combo`
  expect(forOverlay(renamed)).toBeUndefined();
  hub.stop();
});
