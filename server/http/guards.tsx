// The HTTP guards every route plugin shares, one name per meaning. A guard returns what the handler needs (the
// signed-in user, the room) or the Response to send instead: `const user = requireUser(ctx);
// if (user instanceof Response) return user;` leaves `user` typed as a User, so no handler asserts `ctx.user!`.
import type { Database } from "bun:sqlite";
import { MessagePage } from "../../views/pages/message";
import type { User } from "../accounts/model";
import type { Room } from "../rooms/model";
import { canManage, getRoomBySlug } from "../rooms/rooms";
import type { ReqCtx } from "./context";
import { html, redirect } from "./respond";

/** The signed-in user, or a redirect to the login page that comes back here. */
export function requireUser(ctx: ReqCtx): User | Response {
  if (ctx.user) return ctx.user;
  return redirect(`/login?next=${encodeURIComponent(ctx.path)}`, ctx.isHtmx);
}

/** The signed-in admin, or the login redirect / 403 page. */
export function requireAdmin(ctx: ReqCtx): User | Response {
  const user = requireUser(ctx);
  if (user instanceof Response) return user;
  return user.role === "admin" ? user : forbidden(ctx);
}

export function forbidden(ctx: ReqCtx): Response {
  return html(<MessagePage ctx={ctx} title={ctx.t("error.forbidden")} text={ctx.t("error.forbidden")} status={403} />, 403);
}

/** What was not found decides the page's words; the status is always 404. */
const NOT_FOUND_TEXT = {
  page: ["error.notFound", "error.notFoundText"],
  room: ["room.notFound", "room.notFoundText"],
  shop: ["error.notFound", "shop.notFound"],
} as const;

/** The one 404 page: `what` picks its title and text (a missing room says so; a missing order says the shop's). */
export function notFoundPage(ctx: ReqCtx, what: keyof typeof NOT_FOUND_TEXT = "page"): Response {
  const [title, text] = NOT_FOUND_TEXT[what];
  return html(<MessagePage ctx={ctx} title={ctx.t(title)} text={ctx.t(text)} status={404} />, 404);
}

/** The room when the signed-in user may manage it (owner or admin), else the login redirect, 404 or 403 page. */
export function managedRoom(db: Database, ctx: ReqCtx, slug: string): Room | Response {
  const user = requireUser(ctx);
  if (user instanceof Response) return user;
  const room = getRoomBySlug(db, slug);
  if (!room) return notFoundPage(ctx, "room");
  return canManage(user, room) ? room : forbidden(ctx);
}

/**
 * The one parser for integers typed into forms and query strings: optional sign, up to 15 digits, surrounding
 * space ignored. A blank or missing value gives `ifBlank` (null unless given); anything else that is not an
 * integer gives null, which the caller turns into its own field error.
 */
export function parseInteger(raw: string | undefined, ifBlank: number | null = null): number | null {
  const s = raw?.trim() ?? "";
  if (s === "") return ifBlank;
  return /^-?\d{1,15}$/.test(s) ? Number(s) : null;
}
