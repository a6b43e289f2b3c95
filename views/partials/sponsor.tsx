// One sponsor display (player overlay, room banner, replay pre-roll) and the OBS overlay's slot. The link is the
// counting redirect (/s/<id>/click), opened in a new tab with rel="sponsored noopener"; every sponsor string is
// escaped. public/js/sponsors.js reports the display once it is actually on screen and runs the pre-roll's skip.
import type { Translate } from "../../server/i18n";
import type { Shown, Slot } from "../../server/sponsors/model";
import { assetUrl } from "../assets";

export function SponsorScripts(): JSX.Element {
  return <script src={assetUrl("sponsors.js")} defer></script>;
}

/** The empty mount a page keeps when no slot runs (same id, so a later swap finds it). */
export function NoSponsor({ id }: { id: string }): JSX.Element {
  return <div id={id} hidden></div>;
}

function Creative({ t, sponsor, text, imageUrl, href }: { t: Translate; sponsor: string; text: string; imageUrl: string | null; href: string }): JSX.Element {
  return (
    <a class="sponsor-link" href={href} rel="sponsored noopener" target="_blank">
      {imageUrl ? <img src={imageUrl} alt={sponsor} /> : ""}
      <span class="sponsor-text">
        <small class="sponsor-label"><span safe>{t("sponsor.label")}</span> · <span safe>{sponsor}</span></small>
        {text ? <span safe>{text}</span> : ""}
      </span>
    </a>
  );
}

export function SponsorDisplay({ t, id, shown }: { t: Translate; id: string; shown: Shown }): JSX.Element {
  const preroll = shown.placement === "preroll";
  return (
    <div
      id={id}
      class={`sponsor sponsor-${shown.placement}`}
      data-sponsor-display={shown.displayId}
      data-seen-url={`/s/displays/${shown.displayId}/seen`}
      data-sponsor-preroll={preroll ? String(shown.skipAfterSeconds) : undefined}
      data-text-skip-in={preroll ? t("sponsor.skipIn") : undefined}
      data-text-skip={preroll ? t("sponsor.skip") : undefined}
    >
      <Creative t={t} sponsor={shown.sponsor} text={shown.text} imageUrl={shown.imageUrl} href={shown.clickUrl} />
      {preroll ? (
        <button type="button" class="sponsor-skip" data-sponsor-skip disabled safe>{t("sponsor.skipIn", { s: shown.skipAfterSeconds })}</button>
      ) : ""}
    </div>
  );
}

/** The OBS browser source: transparent, no script; it reloads itself every minute to follow the schedule. */
export function ObsSponsorPage({ t, lang, slots }: { t: Translate; lang: string; slots: readonly Slot[] }): JSX.Element {
  return (
    <html lang={lang === "zh" ? "zh-CN" : "en"}>
      <head>
        <meta charset="utf-8" />
        <meta name="robots" content="noindex" />
        <meta http-equiv="refresh" content="60" />
        <title safe>{t("sponsor.label")}</title>
        <link rel="stylesheet" href={assetUrl("overlay.css")} />
      </head>
      <body class="overlay overlay-sponsors">
        <div id="overlay-root">
          {slots.map((s) => (
            <div class="sponsor sponsor-obs" data-slot={String(s.id)}>
              {s.image ? <img src={`/sponsors/images/${s.image}`} alt={s.sponsor} /> : ""}
              <span class="sponsor-text">
                <small class="sponsor-label"><span safe>{t("sponsor.label")}</span> · <span safe>{s.sponsor}</span></small>
                {s.text ? <span safe>{s.text}</span> : ""}
              </span>
            </div>
          ))}
        </div>
      </body>
    </html>
  );
}
