import { Elysia } from "elysia";
import type { Deps } from "../deps";
import { COMMIT, VERSION } from "../version";

const startedAt = Date.now();

export function healthRoutes(deps: Deps) {
  return new Elysia({ name: "livehouse.health" }).get("/healthz", () => {
    deps.db.query("SELECT 1").get();
    // role and pid tell the processes sharing one port apart (docs/operations.md, "Running several processes").
    return Response.json({ ok: true, uptimeMs: Date.now() - startedAt, version: VERSION, commit: COMMIT, role: deps.config.role, pid: process.pid });
  });
}
