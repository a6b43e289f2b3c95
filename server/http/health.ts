import { Elysia } from "elysia";
import type { Deps } from "../deps";

const startedAt = Date.now();

export function healthRoutes(deps: Deps) {
  return new Elysia({ name: "livehouse.health" }).get("/healthz", () => {
    deps.db.query("SELECT 1").get();
    return Response.json({ ok: true, uptimeMs: Date.now() - startedAt, version: process.env.npm_package_version ?? "0.1.0" });
  });
}
