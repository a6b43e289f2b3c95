// Sponsor slots in the Studio (list, create, edit with report and share link) and the sponsor's read-only report.
import type { ReqCtx } from "../../server/http/context";
import type { Translate } from "../../server/i18n";
import type { Tier } from "../../server/memberships/model";
import type { Room } from "../../server/rooms/model";
import { PLACEMENTS, type FieldError, type Report, type Slot } from "../../server/sponsors/model";
import { Csrf, Layout } from "../layout";

export interface SlotFormValues {
  sponsor: string; text: string; link: string; placement: string; room: string; starts: string; ends: string; cap: string; skip: string; exempt: string;
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const readable = (ms: number) => utc(ms).replace("T", " ");

export function slotValues(s: Slot): SlotFormValues {
  return {
    sponsor: s.sponsor, text: s.text, link: s.link, placement: s.placement, room: s.instance ? "*" : s.roomSlug ?? "", starts: utc(s.startsAt), ends: utc(s.endsAt),
    cap: String(s.capPerDay), skip: String(s.skipAfterSeconds), exempt: s.exemptTierId === null ? "" : String(s.exemptTierId),
  };
}

function Errors({ errors, field }: { errors: readonly FieldError[]; field: string }): JSX.Element {
  const e = errors.filter((x) => x.field === field);
  return <>{e.map((x) => <p class="field-error" role="alert" id={`err-${field || "form"}`} safe>{x.message}</p>)}</>;
}

export interface SlotFormProps {
  ctx: ReqCtx; action: string; values: SlotFormValues; errors: readonly FieldError[]; rooms: readonly Room[]; tiers: readonly Tier[]; admin: boolean; hasImage: boolean; submit: string;
}

export function SlotForm({ ctx, action, values, errors, rooms, tiers, admin, hasImage, submit }: SlotFormProps): JSX.Element {
  const { t } = ctx;
  return (
    <form id="slot-form" class="card" method="post" action={action} enctype="multipart/form-data">
      <Csrf ctx={ctx} />
      <Errors errors={errors} field="" />
      <label><span safe>{t("sponsor.field.sponsor")}</span> <input name="sponsor" required maxlength="80" value={values.sponsor} /></label>
      <Errors errors={errors} field="sponsor" />
      <label><span safe>{t("sponsor.field.text")}</span> <input name="text" maxlength="140" value={values.text} /></label>
      <Errors errors={errors} field="text" />
      <label><span safe>{t("sponsor.field.image")}</span> <input type="file" name="image" accept="image/jpeg,image/png,image/webp,image/gif" /></label>
      {hasImage ? <label class="inline"><input type="checkbox" name="removeImage" value="1" /> <span safe>{t("sponsor.field.removeImage")}</span></label> : ""}
      <Errors errors={errors} field="image" />
      <label><span safe>{t("sponsor.field.link")}</span> <input name="link" type="url" required maxlength="500" value={values.link} /></label>
      <Errors errors={errors} field="link" />
      <label><span safe>{t("sponsor.field.placement")}</span>
        <select name="placement">
          {PLACEMENTS.map((p) => <option value={p} selected={values.placement === p} safe>{t(`sponsor.placement.${p}`)}</option>)}
        </select>
      </label>
      <Errors errors={errors} field="placement" />
      <label><span safe>{t("sponsor.field.room")}</span>
        <select name="room">
          <option value="" selected={values.room === ""} safe>{t("sponsor.allRooms")}</option>
          {admin ? <option value="*" selected={values.room === "*"} safe>{t("sponsor.instance")}</option> : ""}
          {rooms.map((r) => <option value={r.slug} selected={values.room === r.slug} safe>{r.title}</option>)}
        </select>
      </label>
      <Errors errors={errors} field="room" />
      <Errors errors={errors} field="instance" />
      <div class="row">
        <label><span safe>{t("sponsor.field.starts")}</span> <input type="datetime-local" name="starts" required value={values.starts} /></label>
        <label><span safe>{t("sponsor.field.ends")}</span> <input type="datetime-local" name="ends" required value={values.ends} /></label>
      </div>
      <Errors errors={errors} field="startsAt" />
      <Errors errors={errors} field="endsAt" />
      <div class="row">
        <label><span safe>{t("sponsor.field.cap")}</span> <input type="number" name="cap" min="0" max="1000" value={values.cap} /></label>
        <label><span safe>{t("sponsor.field.skip")}</span> <input type="number" name="skip" min="0" max="60" value={values.skip} /></label>
      </div>
      <Errors errors={errors} field="capPerDay" />
      <Errors errors={errors} field="skipAfterSeconds" />
      <label><span safe>{t("sponsor.field.exempt")}</span>
        <select name="exempt">
          <option value="" safe>{t("sponsor.noExempt")}</option>
          {tiers.map((tr) => <option value={String(tr.id)} selected={values.exempt === String(tr.id)} safe>{tr.name}</option>)}
        </select>
      </label>
      <Errors errors={errors} field="exemptTierId" />
      <button type="submit" safe>{submit}</button>
    </form>
  );
}

function where(t: Translate, s: Slot): string {
  return s.instance ? t("sponsor.instance") : s.roomSlug ?? t("sponsor.allRooms");
}

/** An OBS URL carries the room's overlay secret: shown masked, with reveal and copy (public/js/app.js). */
export interface ObsUrl {
  title: string;
  url: string;
  masked: string;
}

export function SponsorsStudioPage({ ctx, slots, obs, form }: { ctx: ReqCtx; slots: readonly Slot[]; obs: readonly ObsUrl[]; form: SlotFormProps }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("sponsor.studio")}>
      <h1 safe>{t("sponsor.studio")}</h1>
      {slots.length === 0 ? <p class="muted" id="slots" safe>{t("sponsor.none")}</p> : (
        <table id="slots">
          <tbody>
            {slots.map((s) => (
              <tr data-slot={String(s.id)}>
                <td><a href={`/studio/sponsors/${s.id}`} safe>{s.sponsor}</a></td>
                <td safe>{t(`sponsor.placement.${s.placement}`)}</td>
                <td safe>{where(t, s)}</td>
                <td safe>{t("sponsor.runs", { from: readable(s.startsAt), to: readable(s.endsAt) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {obs.length ? (
        <ul class="muted" id="obs-urls">
          {obs.map((o, i) => (
            <li>
              <span safe>{t("sponsor.obsUrl", { room: o.title })}</span>: <span class="secret" id={`obs-url-${i}`} data-secret={o.url} data-masked={o.masked} data-shown="0" safe>{o.masked}</span>{" "}
              <button type="button" data-reveal={`obs-url-${i}`} data-label-reveal={t("studio.reveal")} data-label-hide={t("studio.hide")} safe>{t("studio.reveal")}</button>{" "}
              <button type="button" data-copy={`obs-url-${i}`} data-label-done={t("studio.copied")} safe>{t("studio.copy")}</button>
            </li>
          ))}
        </ul>
      ) : ""}
      <h2 safe>{t("sponsor.new")}</h2>
      <SlotForm {...form} />
    </Layout>
  );
}

export function ReportTable({ t, report }: { t: Translate; report: Report }): JSX.Element {
  const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(2)} %`);
  return (
    <table id="report">
      <thead><tr><th safe>{t("sponsor.day")}</th><th safe>{t("sponsor.impressions")}</th><th safe>{t("sponsor.uniqueViewers")}</th><th safe>{t("sponsor.clicks")}</th><th safe>{t("sponsor.ctr")}</th></tr></thead>
      <tbody>
        {report.days.map((d) => <tr><td safe>{d.day}</td><td>{d.impressions}</td><td>{d.uniqueViewers}</td><td>{d.clicks}</td><td safe>{pct(d.ctr)}</td></tr>)}
        <tr class="total"><th safe>{t("sponsor.total")}</th><td id="r-impressions">{report.impressions}</td><td id="r-unique">{report.uniqueViewers}</td><td id="r-clicks">{report.clicks}</td><td id="r-ctr" safe>{pct(report.ctr)}</td></tr>
      </tbody>
    </table>
  );
}

export function SponsorEditPage({ ctx, slot, report, shareUrl, form, message }: { ctx: ReqCtx; slot: Slot; report: Report; shareUrl: string | null; form: SlotFormProps; message?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={`${t("sponsor.studio")} · ${slot.sponsor}`}>
      <p><a href="/studio/sponsors" safe>{t("sponsor.studio")}</a></p>
      <h1 safe>{slot.sponsor}</h1>
      {message ? <p class="flash" role="status" safe>{message}</p> : ""}
      <section class="card">
        <h2 safe>{t("sponsor.report")}</h2>
        <ReportTable t={t} report={report} />
        <p><a href={`/studio/sponsors/${slot.id}/report.csv`} download="" safe>{t("sponsor.csv")}</a></p>
        <h3 safe>{t("sponsor.share")}</h3>
        <p class="muted" safe>{t("sponsor.shareHint")}</p>
        {shareUrl ? <p><code id="share-url" safe>{shareUrl}</code></p> : <p id="share-url" class="muted" safe>{t("sponsor.shareNone")}</p>}
        <form method="post" action={`/studio/sponsors/${slot.id}/share`} style="display:inline">
          <Csrf ctx={ctx} />
          <button type="submit" safe>{t("sponsor.shareCreate")}</button>
        </form>{" "}
        {shareUrl ? (
          <form method="post" action={`/studio/sponsors/${slot.id}/unshare`} style="display:inline">
            <Csrf ctx={ctx} />
            <button type="submit" safe>{t("sponsor.shareRevoke")}</button>
          </form>
        ) : ""}
      </section>
      <h2 safe>{t("sponsor.edit")}</h2>
      <SlotForm {...form} />
      <form method="post" action={`/studio/sponsors/${slot.id}/delete`} hx-post={`/studio/sponsors/${slot.id}/delete`} hx-confirm={t("sponsor.deleteConfirm")}>
        <Csrf ctx={ctx} />
        <button type="submit" class="danger" safe>{t("sponsor.delete")}</button>
      </form>
    </Layout>
  );
}

/** What the sponsor sees through the secret link: the figures only, nothing to change. */
export function SponsorReportPage({ ctx, report, csvUrl }: { ctx: ReqCtx; report: Report; csvUrl: string }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("sponsor.reportTitle", { sponsor: report.sponsor })}>
      <h1 safe>{t("sponsor.reportTitle", { sponsor: report.sponsor })}</h1>
      <p class="muted"><span safe>{t(`sponsor.placement.${report.placement}`)}</span> · <span safe>{t("sponsor.runs", { from: readable(report.startsAt), to: readable(report.endsAt) })}</span></p>
      <ReportTable t={t} report={report} />
      <p><a href={csvUrl} download="" safe>{t("sponsor.csv")}</a></p>
    </Layout>
  );
}
