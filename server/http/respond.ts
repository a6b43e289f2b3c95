// Small response helpers shared by every route plugin.
/** Our components are synchronous; an async one would render "[object Promise]", so refuse it loudly. */
function sync(body: JSX.Element): string {
  if (typeof body !== "string") throw new Error("respond: async components are not supported");
  return body;
}

export function html(body: JSX.Element, status = 200, headers: Record<string, string> = {}): Response {
  return new Response("<!doctype html>" + sync(body), {
    status,
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
  });
}

/** An htmx partial (no doctype) or any HTML fragment. */
export function fragment(body: JSX.Element, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(sync(body), { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function jsonError(status: number, error: string): Response {
  return json({ error }, status);
}

/** A CSV download (`<name>.csv`); the body's cells are already formula-safe (server/shop/csv.ts). */
export function csvResponse(name: string, body: string): Response {
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}.csv"` } });
}

/** Redirect that works for both plain navigation and htmx (HX-Redirect makes htmx do a full navigation). */
export function redirect(location: string, isHtmx = false): Response {
  if (isHtmx) return new Response(null, { status: 204, headers: { "hx-redirect": location } });
  return new Response(null, { status: 303, headers: { location } });
}
