// GET /metrics (Prometheus text format): open to loopback callers, elsewhere only with
// `Authorization: Bearer <--metrics-token>`. A request that came through a proxy (Forwarded/X-Forwarded-For) is
// not "loopback" even when the proxy runs on this host. And the timing hook that feeds the HTTP metrics.
import { sameSecret } from "../lib/secrets";
import { Elysia } from "elysia";
import type { Deps } from "../deps";
import type { Metrics } from "./metrics";

export function isLoopback(address: string | null | undefined): boolean {
  if (!address) return false;
  return address === "::1" || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}


export function metricsAccess(req: { address: string | null | undefined; headers: Headers }, token: string): "ok" | "unauthorized" | "forbidden" {
  const proxied = req.headers.has("x-forwarded-for") || req.headers.has("forwarded");
  if (isLoopback(req.address) && !proxied) return "ok";
  if (!token) return "forbidden";
  const auth = req.headers.get("authorization") ?? "";
  return auth.startsWith("Bearer ") && sameSecret(auth.slice(7).trim(), token) ? "ok" : "unauthorized";
}

export function metricsRoutes(deps: Deps, metrics: Metrics) {
  return new Elysia({ name: "livehouse.metrics" }).get("/metrics", ({ request, server }) => {
    const access = metricsAccess({ address: server?.requestIP(request)?.address, headers: request.headers }, deps.config.metricsToken);
    if (access === "forbidden") return Response.json({ error: "metrics are open on loopback only; set --metrics-token to scrape from elsewhere" }, { status: 403 });
    if (access === "unauthorized") return Response.json({ error: "metrics need Authorization: Bearer <metrics token>" }, { status: 401, headers: { "www-authenticate": "Bearer" } });
    return new Response(metrics.text(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
  });
}

/** Times every request; mounted first in app.tsx so its global hooks see every route. */
export function httpMetrics(metrics: Metrics) {
  const began = new WeakMap<Request, number>();
  return new Elysia({ name: "livehouse.http-metrics" })
    .onRequest(({ request }) => void began.set(request, performance.now()))
    .onAfterResponse({ as: "global" }, (c) => {
      const t0 = began.get(c.request);
      if (t0 === undefined) return;
      const res = (c as { response?: unknown }).response;
      // No matched route means our 404 page (Elysia leaves set.status at 200 for NOT_FOUND).
      const status = res instanceof Response ? res.status : !c.route ? 404 : typeof c.set.status === "number" ? c.set.status : 200;
      metrics.observeHttp(c.request.method, c.route || "unmatched", status, (performance.now() - t0) / 1000);
    });
}
