// Class pages: the public catalogue, a class's detail (countdown, calendar, buying, materials), "my classes",
// the notices list, and the studio's class list and class desk (tickets, grants, coupons, refunds, materials).
import type { ReqCtx } from "../../server/http/context";
import { classEndsAt, seatsLeft, type ClassInfo, type PayProvider, type Coupon, type Material, type Notice, type Ticket } from "../../server/classes/model";
import { formatMoney } from "../../server/shop/model";
import type { Room } from "../../server/rooms/model";
import { utcMinute } from "../format";
import type { ShareCard } from "../../server/sharing/model";
import { ShareButtons, ShareMeta } from "../partials/share";
import { Layout } from "../layout";

function price(ctx: ReqCtx, c: Pick<ClassInfo, "priceMinor" | "currency">): string {
  return c.priceMinor === 0 ? ctx.t("classes.free") : formatMoney(c.priceMinor, c.currency);
}

function seats(ctx: ReqCtx, c: ClassInfo): string {
  const left = seatsLeft(c);
  return left === null ? ctx.t("classes.unlimited") : left === 0 ? ctx.t("classes.full") : ctx.t("classes.seatsLeft", { n: left });
}

export function ClassCard({ ctx, c }: { ctx: ReqCtx; c: ClassInfo }): JSX.Element {
  return (
    <li class="card class-card">
      <a href={`/classes/${c.id}`}><strong safe>{c.title}</strong></a>
      <div class="muted">
        <span safe>{c.teacherName}</span> · <time datetime={new Date(c.startsAt).toISOString()} safe>{utcMinute(c.startsAt)}</time> ·{" "}
        <span safe>{ctx.t("classes.length", { n: c.minutes })}</span> · <span safe>{price(ctx, c)}</span> · <span safe>{seats(ctx, c)}</span>
      </div>
    </li>
  );
}

export function ClassesPage({ ctx, classes }: { ctx: ReqCtx; classes: readonly ClassInfo[] }): JSX.Element {
  return (
    <Layout ctx={ctx} title={ctx.t("classes.title")}>
      <h1 safe>{ctx.t("classes.title")}</h1>
      {ctx.user ? <p><a href="/me/classes" safe>{ctx.t("classes.mine")}</a> · <a href="/me/notices" safe>{ctx.t("notices.title")}</a></p> : ""}
      <ul class="class-list" id="classes">{classes.map((c) => <ClassCard ctx={ctx} c={c} />)}</ul>
      {classes.length ? "" : <p class="muted" safe>{ctx.t("classes.empty")}</p>}
    </Layout>
  );
}

/** Server-rendered countdown, refreshed by htmx every 30 s (no script of its own). */
export function Countdown({ ctx, c, now }: { ctx: ReqCtx; c: ClassInfo; now: number }): JSX.Element {
  const ms = c.startsAt - now;
  const text = ms <= 0 ? ctx.t("classes.started") : `${Math.floor(ms / 86_400_000)}d ${Math.floor((ms % 86_400_000) / 3_600_000)}h ${Math.floor((ms % 3_600_000) / 60_000)}m`;
  return (
    <p id="countdown" class="countdown" data-starts={new Date(c.startsAt).toISOString()} hx-get={`/classes/${c.id}/countdown`} hx-trigger={ms > 0 ? "every 30s" : undefined} hx-swap="outerHTML">
      <span class="muted" safe>{ctx.t("classes.countdown")}</span> <strong safe>{text}</strong>
    </p>
  );
}

export interface ClassPageProps {
  ctx: ReqCtx;
  c: ClassInfo;
  now: number;
  ticket: Ticket | null;
  providers: readonly PayProvider[];
  materials: readonly Material[];
  message?: string;
  /** The Open Graph card (server/sharing). */
  share?: ShareCard;
}

export function ClassPage({ ctx, c, now, ticket, providers, materials, message, share }: ClassPageProps): JSX.Element {
  const { t } = ctx;
  const holder = ticket?.status === "valid";
  return (
    <Layout ctx={ctx} title={c.title} head={share ? <ShareMeta card={share} /> : ""}>
      <p><a href="/classes" safe>← {t("classes.title")}</a></p>
      <h1 safe>{c.title}</h1>
      {message ? <p class="flash" role="status" safe>{message}</p> : ""}
      <section class="card">
        <p><span class="muted" safe>{t("classes.teacher")}</span> <span safe>{c.teacherName}</span></p>
        <p><span class="muted" safe>{t("classes.starts")}</span> <time datetime={new Date(c.startsAt).toISOString()} safe>{utcMinute(c.startsAt)}</time> · <span safe>{t("classes.length", { n: c.minutes })}</span></p>
        <p><span class="muted" safe>{t("classes.price")}</span> <strong safe>{price(ctx, c)}</strong> · <span id="seats" safe>{seats(ctx, c)}</span> · <span safe>{c.replayIncluded ? t("classes.replayIncluded") : t("classes.noReplay")}</span></p>
        <Countdown ctx={ctx} c={c} now={now} />
        <p><a href={`/classes/${c.id}/calendar.ics`} download={`class-${c.id}.ics`} safe>{t("classes.addToCalendar")}</a></p>
        {c.description ? <p style="white-space:pre-wrap" safe>{c.description}</p> : ""}
        {share ? <ShareButtons ctx={ctx} card={share} /> : ""}
      </section>
      <div id="notify-me" hx-get={`/notify/classes/${c.id}`} hx-trigger="load" hx-swap="outerHTML"></div>
      <section class="card" id="ticket">
        {holder ? (
          <p><strong safe>{t("classes.haveTicket")}</strong> <a href={`/r/${c.roomSlug}`} safe>{t("classes.goToRoom")}</a></p>
        ) : ticket?.status === "pending" ? (
          <p safe>{t("classes.pending")}</p>
        ) : classEndsAt(c) > now && ctx.user && ctx.user.id !== c.teacherId ? (
          <form method="post" action={`/classes/${c.id}/buy`}>
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <input type="hidden" name="idempotencyKey" value={`web-${crypto.randomUUID()}`} />
            <label><span safe>{t("classes.provider")}</span>
              <select name="provider">{providers.map((p) => <option value={p} safe>{t(`shop.provider.${p}`)}</option>)}</select>
            </label>
            <label><span safe>{t("classes.coupon")}</span> <input name="coupon" maxlength="40" /></label>
            <label><span safe>{t("classes.email")}</span> <input name="email" type="email" maxlength="254" /></label>
            <button type="submit" safe>{t("classes.buy")}</button>
          </form>
        ) : !ctx.user ? (
          <p><a href={`/login?next=/classes/${c.id}`} safe>{t("nav.login")}</a></p>
        ) : ""}
      </section>
      <section class="card">
        <h2 safe>{t("classes.materials")}</h2>
        {holder || (ctx.user && (ctx.user.id === c.teacherId || ctx.user.role === "admin")) ? (
          <ul>{materials.map((m) => <li><a href={`/classes/${c.id}/materials/${m.id}`} safe>{m.name}</a> <span class="muted" safe>{`${Math.ceil(m.bytes / 1024)} KB`}</span></li>)}</ul>
        ) : <p class="muted" safe>{t("classes.materialsLocked")}</p>}
      </section>
    </Layout>
  );
}

export function MyClassesPage({ ctx, items }: { ctx: ReqCtx; items: readonly { ticket: Ticket; c: ClassInfo }[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("classes.mine")}>
      <h1 safe>{t("classes.mine")}</h1>
      <table id="my-classes">
        <tbody>
          {items.map(({ ticket, c }) => (
            <tr>
              <td><a href={`/classes/${c.id}`} safe>{c.title}</a></td>
              <td><time datetime={new Date(c.startsAt).toISOString()} safe>{utcMinute(c.startsAt)}</time></td>
              <td safe>{t(`classes.status.${ticket.status}`)}</td>
              <td>{ticket.status === "valid" ? <a href={`/r/${c.roomSlug}`} safe>{t("classes.goToRoom")}</a> : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length ? "" : <p class="muted" safe>{t("classes.mineEmpty")}</p>}
    </Layout>
  );
}

export function NoticesPage({ ctx, notices }: { ctx: ReqCtx; notices: readonly Notice[] }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("notices.title")}>
      <h1 safe>{t("notices.title")}</h1>
      <ul id="notices">
        {notices.map((n) => (
          <li class={n.readAt === null ? "unread" : ""}>
            <time datetime={new Date(n.createdAt).toISOString()} safe>{utcMinute(n.createdAt)}</time> <a href={n.url} safe>{t(n.textKey, n.vars)}</a>
          </li>
        ))}
      </ul>
      {notices.length ? "" : <p class="muted" safe>{t("notices.empty")}</p>}
    </Layout>
  );
}

export interface ClassFormValues { title: string; description: string; starts: string; minutes: string; price: string; currency: string; capacity: string; room: string; replay: boolean }

function ClassForm({ ctx, action, values, rooms }: { ctx: ReqCtx; action: string; values: ClassFormValues; rooms: readonly Room[] }): JSX.Element {
  const { t } = ctx;
  return (
    <form method="post" action={action} class="stack">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <label><span safe>{t("classes.field.title")}</span> <input name="title" required maxlength="200" value={values.title} /></label>
      <label><span safe>{t("classes.field.description")}</span> <textarea name="description" maxlength="5000" safe>{values.description}</textarea></label>
      <label><span safe>{t("classes.field.starts")}</span> <input name="starts" required value={values.starts} /></label>
      <label><span safe>{t("classes.field.minutes")}</span> <input name="minutes" required inputmode="numeric" value={values.minutes} /></label>
      <label><span safe>{t("classes.field.price")}</span> <input name="price" required inputmode="numeric" value={values.price} /></label>
      <label><span safe>{t("classes.field.currency")}</span> <input name="currency" required maxlength="10" value={values.currency} /></label>
      <label><span safe>{t("classes.field.capacity")}</span> <input name="capacity" inputmode="numeric" value={values.capacity} /></label>
      {rooms.length || action.endsWith("/classes") ? (
        <label><span safe>{t("classes.field.room")}</span>
          <select name="room">
            {action.endsWith("/classes") ? <option value="" safe>{t("classes.field.newRoom")}</option> : ""}
            {rooms.map((r) => <option value={r.slug} selected={r.slug === values.room} safe>{r.title}</option>)}
          </select>
        </label>
      ) : ""}
      <label><input type="checkbox" name="replay" value="1" checked={values.replay} /> <span safe>{t("classes.field.replay")}</span></label>
      <button type="submit" safe>{t("classes.studio.save")}</button>
    </form>
  );
}

export function StudioClassesPage({ ctx, classes, rooms, values, error }: { ctx: ReqCtx; classes: readonly ClassInfo[]; rooms: readonly Room[]; values: ClassFormValues; error?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("classes.studio.title")}>
      <p><a href="/studio" safe>← {t("studio.title")}</a></p>
      <h1 safe>{t("classes.studio.title")}</h1>
      <ul class="class-list">{classes.map((c) => <li><a href={`/studio/classes/${c.id}`} safe>{c.title}</a> <span class="muted" safe>{`${utcMinute(c.startsAt)} · ${c.seatsTaken}/${c.capacity ?? "∞"}`}</span></li>)}</ul>
      <section class="card">
        <h2 safe>{t("classes.studio.new")}</h2>
        {error ? <p class="error" role="alert" safe>{error}</p> : ""}
        <ClassForm ctx={ctx} action="/studio/classes" values={values} rooms={rooms} />
      </section>
    </Layout>
  );
}

export interface StudioClassProps { ctx: ReqCtx; c: ClassInfo; tickets: readonly Ticket[]; coupons: readonly Coupon[]; materials: readonly Material[]; rooms: readonly Room[]; values: ClassFormValues; message?: string }

export function StudioClassPage({ ctx, c, tickets, coupons, materials, rooms, values, message }: StudioClassProps): JSX.Element {
  const { t } = ctx;
  const csrf = <input type="hidden" name="_csrf" value={ctx.csrf} />;
  return (
    <Layout ctx={ctx} title={c.title}>
      <p><a href="/studio/classes" safe>← {t("classes.studio.title")}</a> · <a href={`/classes/${c.id}`} safe>{c.title}</a></p>
      <h1 safe>{c.title}</h1>
      {message ? <p class="flash" role="status" safe>{message}</p> : ""}
      <section class="card"><ClassForm ctx={ctx} action={`/studio/classes/${c.id}`} values={values} rooms={rooms} /></section>
      <section class="card">
        <h2 safe>{t("classes.studio.tickets")}</h2>
        <p><a href={`/studio/classes/${c.id}/attendance.csv`} safe>{t("classes.studio.attendance")}</a></p>
        <table id="tickets">
          <tbody>
            {tickets.map((tk) => (
              <tr>
                <td safe>{`#${tk.id}`}</td><td safe>{tk.username}</td><td safe>{t(`classes.status.${tk.status}`)}</td><td>{tk.provider}</td>
                <td safe>{tk.priceMinor === 0 ? t("classes.free") : formatMoney(tk.priceMinor, tk.currency)}</td>
                <td>
                  {tk.status === "valid" ? <form method="post" action={`/studio/tickets/${tk.id}/refund`}>{csrf}<button type="submit" safe>{t("classes.studio.refund")}</button></form> : ""}
                  {tk.status === "pending" && tk.provider === "manual" ? <form method="post" action={`/studio/tickets/${tk.id}/confirm`}>{csrf}<button type="submit" safe>{t("classes.studio.confirm")}</button></form> : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action={`/studio/classes/${c.id}/grant`} class="row">
          {csrf}
          <label><span safe>{t("classes.studio.grant")}</span> <input name="username" required maxlength="60" /></label>
          <button type="submit" safe>{t("classes.studio.grant")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("classes.studio.coupons")}</h2>
        <ul>{coupons.map((cp) => <li safe>{`${cp.code} · ${cp.kind === "percent" ? `${cp.amount} %` : formatMoney(cp.amount, c.currency)} · ${cp.uses}/${cp.maxUses}${cp.expiresAt ? ` · ${utcMinute(cp.expiresAt)}` : ""}`}</li>)}</ul>
        <form method="post" action={`/studio/classes/${c.id}/coupons`} class="row">
          {csrf}
          <input name="code" required maxlength="40" placeholder="CODE" />
          <select name="kind"><option value="percent">%</option><option value="fixed" safe>{c.currency}</option></select>
          <label><span safe>{t("classes.field.amount")}</span> <input name="amount" required inputmode="numeric" /></label>
          <label><span safe>{t("classes.studio.uses")}</span> <input name="maxUses" required inputmode="numeric" /></label>
          <label><span safe>{t("classes.studio.expires")}</span> <input name="expiresAt" /></label>
          <button type="submit" safe>{t("classes.studio.addCoupon")}</button>
        </form>
      </section>
      <section class="card">
        <h2 safe>{t("classes.materials")}</h2>
        <ul>{materials.map((m) => <li><a href={`/classes/${c.id}/materials/${m.id}`} safe>{m.name}</a></li>)}</ul>
        <form method="post" action={`/studio/classes/${c.id}/materials`} enctype="multipart/form-data">
          {csrf}
          <label><span safe>{t("classes.studio.upload")}</span> <input type="file" name="file" required /></label>
          <button type="submit" safe>{t("classes.studio.save")}</button>
        </form>
      </section>
    </Layout>
  );
}
