// The gift parts of the room page: the gift bar under the player, the goal bar and top-gifters board in the side,
// and the HTML rendering of a live "gift" / "goal" room event (hx-swap-oob fragments delivered by the realtime hub).
import { giftImageUrl, type BoardEvent, type Gift, type GiftEvent, type Goal, type GoalEvent, type TopGifter } from "../../server/gifts/model";
import type { Translate } from "../../server/i18n";
import { assetUrl } from "../assets";

export function GiftBar({ t, slug, gifts, balance, signedIn }: { t: Translate; slug: string; gifts: Gift[]; balance: number | null; signedIn: boolean }): JSX.Element {
  if (!gifts.length) return "";
  return (
    <div class="card gift-bar" id="gift-bar" data-room={slug} data-msg-short={t("gift.short")} data-msg-rate={t("gift.rate")} data-msg-error={t("gift.failed")} data-msg-login={t("gift.login")}>
      <div class="row">
        {gifts.map((g) => (
          <button type="button" class={`gift-btn tier-${g.tier}`} data-gift={String(g.id)} disabled={!signedIn} title={t("gift.price", { coins: g.coins })}>
            {g.image ? <img src={giftImageUrl(g.image)!} alt="" width="32" height="32" /> : ""}
            <span safe>{g.name}</span>
            <small safe>{t("gift.price", { coins: g.coins })}</small>
          </button>
        ))}
        <label class="inline">
          <span>×</span>
          <select name="count" id="gift-count" aria-label={t("gift.count")}>
            {[1, 5, 10, 66, 99].map((n) => <option value={String(n)} safe>{String(n)}</option>)}
          </select>
        </label>
      </div>
      <p class="muted">
        {signedIn ? (
          <>
            <span safe>{t("gift.balance")}</span> <strong id="gift-balance" safe>{String(balance ?? 0)}</strong> · <a href="/wallet" safe>{t("wallet.title")}</a>
          </>
        ) : <a href="/login" safe>{t("gift.login")}</a>}
      </p>
      <p class="gift-status" id="gift-status" role="status" aria-live="polite"></p>
    </div>
  );
}

export function GoalBar({ t, goal, oob }: { t: Translate; goal: Goal | null; oob?: boolean }): JSX.Element {
  if (!goal) return <div id="goal-bar" class="goal-bar" hidden hx-swap-oob={oob ? "outerHTML" : undefined}></div>;
  const pct = Math.min(100, Math.floor((goal.progress * 100) / goal.target));
  return (
    <div id="goal-bar" class="goal-bar card" hx-swap-oob={oob ? "outerHTML" : undefined}>
      <div class="row"><strong safe>{goal.title || t("gift.goal")}</strong><span class="muted" safe>{`${goal.progress} / ${goal.target}`}</span></div>
      <div class="goal-track" role="progressbar" aria-valuemin="0" aria-valuemax={String(goal.target)} aria-valuenow={String(goal.progress)}>
        <div class="goal-fill" style={`width:${pct}%`}></div>
      </div>
    </div>
  );
}

export function TopGifters({ t, top, oob }: { t: Translate; top: TopGifter[]; oob?: boolean }): JSX.Element {
  return (
    <section class="card top-gifters-card" id="top-gifters-card" hx-swap-oob={oob ? "outerHTML" : undefined}>
      <h2 safe>{t("gift.top")}</h2>
      {top.length ? (
        <ol id="top-gifters">
          {top.map((g) => (
            <li><span safe>{g.displayName}</span> <span class="muted" safe>{t("gift.coins", { coins: g.coins })}</span></li>
          ))}
        </ol>
      ) : <p class="muted" id="top-gifters" safe>{t("gift.noneYet")}</p>}
    </section>
  );
}

/** HTML for a live gift: an animation sized by tier with the combo counter, plus the refreshed board and goal. */
export function renderGiftEvent(e: GiftEvent, t: Translate): string {
  return (
    <>
      <div id="gift-fx" hx-swap-oob="beforeend">
        <div class={`gift-pop tier-${e.gift.tier}`} data-combo={String(e.combo)} data-combo-key={`${e.sender.username}:${e.gift.id}`}>
          {e.gift.image ? <img src={e.gift.image} alt="" /> : ""}
          <span class="who" safe>{e.sender.displayName}</span>
          <span safe>{t("gift.sent", { gift: e.gift.name })}</span>
          {e.combo > 1 || e.count > 1 ? <span class="combo" safe>{`×${e.combo}`}</span> : ""}
        </div>
      </div>
      <TopGifters t={t} top={e.top} oob />
      {e.goal ? <GoalBar t={t} goal={e.goal} oob /> : ""}
    </>
  ) as string;
}

export function renderBoardEvent(e: BoardEvent, t: Translate): string {
  return (<TopGifters t={t} top={e.top} oob />) as string;
}

export function renderGoalEvent(e: GoalEvent, t: Translate): string {
  return (<GoalBar t={t} goal={e.goal} oob />) as string;
}

/** Room page mount points; the pieces load from the gifts routes so the room view stays the rooms domain's. */
export function GiftBarMount({ slug }: { slug: string }): JSX.Element {
  return (
    <>
      <div id="gift-bar" hx-get={`/r/${slug}/gifts/bar`} hx-trigger="load" hx-swap="outerHTML"></div>
      <script src={assetUrl("gifts.js")} defer></script>
    </>
  );
}

export function GiftSideMount({ slug }: { slug: string }): JSX.Element {
  return <div id="gift-side" hx-get={`/r/${slug}/gifts/side`} hx-trigger="load" hx-swap="outerHTML"></div>;
}

/** Where gift animations play, over the video. */
export function GiftFx(): JSX.Element {
  return <div id="gift-fx" class="gift-fx" aria-live="polite"></div>;
}
