// The sponsor report's figures, read from the insights event stream (server/sponsors records the facts;
// capture.ts turns them into sponsor_impression / sponsor_click events).
import type { Database } from "bun:sqlite";
import { DAY } from "./model";
import { sponsorCounts } from "./storage";

export interface SponsorCounts {
  impressions: number;
  uniqueViewers: number;
  clicks: number;
  /** Per UTC day (ISO date), oldest first. */
  days: { day: string; impressions: number; uniqueViewers: number; clicks: number }[];
}

export function sponsorSlotCounts(db: Database, ownerId: number, slotId: number): SponsorCounts {
  const c = sponsorCounts(db, ownerId, slotId);
  const days = c.days.map((d) => ({ day: new Date(d.day * DAY).toISOString().slice(0, 10), impressions: d.impressions, uniqueViewers: d.uniqueViewers, clicks: d.clicks }));
  return {
    impressions: days.reduce((a, d) => a + d.impressions, 0),
    uniqueViewers: c.uniqueViewers,
    clicks: days.reduce((a, d) => a + d.clicks, 0),
    days,
  };
}
