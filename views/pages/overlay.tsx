// OBS browser-source page: transparent, no login, no site chrome. public/js/overlay.js connects to the overlay
// socket and draws every user string with textContent; the translated templates travel as data attributes.
import type { Goal } from "../../server/gifts/model";
import { assetUrl } from "../assets";
import type { Translate } from "../../server/i18n";
import type { OverlayKind } from "../../server/overlays/model";

export function OverlayPage({ t, lang, kind, wsPath, goal, alertSeconds = 5 }: { t: Translate; lang: string; kind: OverlayKind; wsPath: string; goal: Goal | null; alertSeconds?: number }): JSX.Element {
  return (
    <html lang={lang === "zh" ? "zh-CN" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="robots" content="noindex" />
        <title safe>{t(`overlay.${kind}`)}</title>
        <link rel="stylesheet" href={assetUrl("overlay.css")} />
        <script src={assetUrl("overlay.js")} defer></script>
      </head>
      <body
        class={`overlay overlay-${kind}`}
        data-kind={kind}
        data-ws={wsPath}
        data-goal={JSON.stringify(goal)}
        data-alert-ms={String(alertSeconds * 1000)}
        data-t-gift={t("overlay.giftAlert")}
        data-t-follow={t("overlay.followAlert")}
        data-t-purchase={t("overlay.purchaseAlert")}
        data-t-test={t("overlay.testAlert")}
        data-t-goal={t("gift.goal")}
      >
        <div id="overlay-root" aria-live="polite"></div>
      </body>
    </html>
  );
}
