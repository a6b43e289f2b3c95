// How a gift's coins are shared. Rounding rule: the creator gets floor(total × share / 100), the platform gets
// the remainder. The two parts always add up to the total exactly, the creator never receives more than their
// share, and the platform's part of a 1-coin gift at 70 % is the whole coin (creator 0). The split is applied to
// the total of one send (price × count), not per unit, so sending ×10 loses no fraction per unit.
export function splitGift(total: number, creatorSharePercent: number): { creator: number; platform: number } {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error("splitGift: total must be a non-negative integer");
  if (!Number.isInteger(creatorSharePercent) || creatorSharePercent < 0 || creatorSharePercent > 100) throw new Error("splitGift: share must be 0..100");
  const creator = Math.floor((total * creatorSharePercent) / 100);
  return { creator, platform: total - creator };
}
