import type { ReqCtx } from "../../server/http/context";
import { OVERLAY_KINDS } from "../../server/overlays/model";
import type { Room } from "../../server/rooms/model";

/** Studio: the room's overlay URLs (masked until revealed), rotation and the test alert. */
export function OverlayBox({ ctx, room, base, token, masked, rotated, tested }: { ctx: ReqCtx; room: Room; base: string; token: string; masked: string; rotated?: boolean; tested?: boolean }): JSX.Element {
  const { t } = ctx;
  return (
    <section class="card" id="overlay-box">
      <h2 safe>{t("overlay.title")}</h2>
      <p class="muted" safe>{t("overlay.help")}</p>
      {rotated ? <p class="notice" role="status" safe>{t("overlay.rotated")}</p> : ""}
      {tested ? <p class="notice" role="status" safe>{t("overlay.tested")}</p> : ""}
      <table>
        <tbody>
          {OVERLAY_KINDS.map((kind) => {
            const url = `${base}/overlay/${token}/${kind}`;
            const id = `overlay-url-${kind}`;
            return (
              <tr>
                <td safe>{t(`overlay.${kind}`)}</td>
                <td><span class="secret" id={id} data-secret={url} data-masked={`${base}/overlay/${masked}/${kind}`} data-shown="0" safe>{`${base}/overlay/${masked}/${kind}`}</span></td>
                <td class="row">
                  <button type="button" data-reveal={id} data-label-reveal={t("studio.reveal")} data-label-hide={t("studio.hide")} safe>{t("studio.reveal")}</button>
                  <button type="button" data-copy={id} data-label-done={t("studio.copied")} safe>{t("studio.copy")}</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="row">
        <button type="button" id="overlay-test" hx-post={`/studio/rooms/${room.slug}/overlay/test`} hx-target="#overlay-box" hx-swap="outerHTML" safe>{t("overlay.test")}</button>
        <button type="button" id="overlay-rotate" hx-post={`/studio/rooms/${room.slug}/overlay/rotate`} hx-target="#overlay-box" hx-swap="outerHTML" hx-confirm={t("overlay.rotateConfirm")} safe>{t("overlay.rotate")}</button>
      </div>
    </section>
  );
}

export function OverlayMount({ slug }: { slug: string }): JSX.Element {
  return <div id="overlay-box" hx-get={`/studio/rooms/${slug}/overlay`} hx-trigger="load" hx-swap="outerHTML"></div>;
}
