// Who may open the money and Studio pages of the wallet, gifts and overlays routes.
import type { Database } from "bun:sqlite";
import { forbidden, requireUser } from "../accounts/routes";
import type { ReqCtx } from "../http/context";
import type { Room } from "../rooms/model";
import * as rooms from "../rooms/rooms";
import { notFoundPage } from "../rooms/routes";

export function requireAdmin(ctx: ReqCtx): Response | null {
  if (!ctx.user) return requireUser(ctx);
  return ctx.user.role === "admin" ? null : forbidden(ctx);
}

/** The room when the signed-in user may manage it (owner or admin), else the response to send instead. */
export function managedRoom(db: Database, ctx: ReqCtx, slug: string): Room | Response {
  const denied = requireUser(ctx);
  if (denied) return denied;
  const room = rooms.getRoomBySlug(db, slug);
  if (!room) return notFoundPage(ctx);
  return rooms.canManage(ctx.user, room) ? room : forbidden(ctx);
}
