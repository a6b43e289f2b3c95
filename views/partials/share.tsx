// Share cards: Open Graph + Twitter meta for <head>, and the copy-link / native share buttons (public/js/share.js).
import type { ReqCtx } from "../../server/http/context";
import type { ShareCard } from "../../server/sharing/model";
import { assetUrl } from "../assets";

export function ShareMeta({ card }: { card: ShareCard }): JSX.Element {
  return (
    <>
      <meta name="description" content={card.description} />
      <link rel="canonical" href={card.url} />
      <meta property="og:site_name" content="Livehouse" />
      <meta property="og:type" content={card.type} />
      <meta property="og:title" content={card.title} />
      <meta property="og:description" content={card.description} />
      <meta property="og:url" content={card.url} />
      {card.image ? <meta property="og:image" content={card.image} /> : ""}
      <meta name="twitter:card" content={card.image ? "summary_large_image" : "summary"} />
      <meta name="twitter:title" content={card.title} />
      <meta name="twitter:description" content={card.description} />
      {card.image ? <meta name="twitter:image" content={card.image} /> : ""}
      {card.oembed ? <link rel="alternate" type="application/json+oembed" href={card.oembed} title={card.title} /> : ""}
      <script src={assetUrl("share.js")} defer></script>
    </>
  );
}

export function ShareButtons({ ctx, card }: { ctx: ReqCtx; card: ShareCard }): JSX.Element {
  const { t } = ctx;
  return (
    <div class="share" data-share-url={card.url} data-share-title={card.title} data-text-copied={t("share.copied")}>
      <button type="button" class="share-copy" safe>{t("share.copy")}</button>
      <button type="button" class="share-native" hidden safe>{t("share.share")}</button>
      <span class="share-status muted" role="status"></span>
    </div>
  );
}
