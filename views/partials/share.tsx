// Share cards: Open Graph + Twitter meta for <head>, and the copy-link / native share buttons (public/js/share.js).
import type { ReqCtx } from "../../server/http/context";
import type { ShareCard } from "../../server/sharing/model";
import { assetUrl } from "../assets";

/**
 * @kitajs/html escapes only `"` in attribute values; a `&` left as is would make a title like "R&amp;B night"
 * read back as "R&B night". Escaping `&` first keeps every value exact.
 */
const a = (s: string): string => s.replace(/&/g, "&amp;");

export function ShareMeta({ card }: { card: ShareCard }): JSX.Element {
  return (
    <>
      <meta name="description" content={a(card.description)} />
      <link rel="canonical" href={a(card.url)} />
      <meta property="og:site_name" content="Livehouse" />
      <meta property="og:type" content={card.type} />
      <meta property="og:title" content={a(card.title)} />
      <meta property="og:description" content={a(card.description)} />
      <meta property="og:url" content={a(card.url)} />
      {card.image ? <meta property="og:image" content={a(card.image)} /> : ""}
      <meta name="twitter:card" content={card.image ? "summary_large_image" : "summary"} />
      <meta name="twitter:title" content={a(card.title)} />
      <meta name="twitter:description" content={a(card.description)} />
      {card.image ? <meta name="twitter:image" content={a(card.image)} /> : ""}
      {card.oembed ? <link rel="alternate" type="application/json+oembed" href={a(card.oembed)} title={a(card.title)} /> : ""}
      {card.feed ? <link rel="alternate" type="application/atom+xml" href={a(card.feed)} /> : ""}
      <script src={assetUrl("share.js")} defer></script>
    </>
  );
}

export function ShareButtons({ ctx, card }: { ctx: ReqCtx; card: ShareCard }): JSX.Element {
  const { t } = ctx;
  return (
    <div class="share" data-share-url={a(card.url)} data-share-title={a(card.title)} data-text-copied={t("share.copied")}>
      <button type="button" class="share-copy" safe>{t("share.copy")}</button>
      <button type="button" class="share-native" hidden safe>{t("share.share")}</button>
      <span class="share-status muted" role="status"></span>
    </div>
  );
}
