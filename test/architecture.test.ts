// The house rules (docs/architecture.md), enforced: imports point down the layers and never form a cycle.
// Type-only imports count too: a view that names a storage row type still depends on storage.
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { ROOT } from "./helpers/server";

type Layer = "kernel" | "schema" | "model" | "storage" | "rule" | "adapter" | "view" | "root" | "main";
interface Mod { id: string; layer: Layer; domain: string }

const KERNEL = /^server\/(config\.ts|deps\.ts|(db|events|i18n|lib|types)\/.+)$/;
/** index.ts is a domain's composition (create<Domain>(deps): its services, routes, listeners), imported by app.tsx. */
const ADAPTER = /^server\/(http|cli)\/.+$|^server\/[^/]+\/(index\.ts|routes\.tsx?|api\.ts|cli\.ts|renderers\.tsx)$/;
/** The one request-context type module views may name (their `ctx` prop). */
const CONTEXT = "server/http/context.ts";

export function classify(id: string): Mod {
  const domain = /^server\/([^/]+)\//.exec(id)?.[1] ?? "";
  const layer: Layer = id.startsWith("views/") ? "view"
    : id === "server/main.ts" ? "main"
    : id === "server/app.tsx" ? "root"
    : KERNEL.test(id) ? "kernel"
    : ADAPTER.test(id) ? "adapter"
    : id.endsWith("/model.ts") ? "model"
    : id.endsWith("/storage.ts") ? "storage"
    : id.endsWith("/schema.ts") ? "schema"
    : "rule";
  return { id, layer, domain };
}

/** What each layer may import; anything else is a back-edge. Read a row as "a <layer> file may import …". */
const RULES: Record<Layer, { may: string; ok: (to: Mod, from: Mod) => boolean }> = {
  kernel: { may: "kernel and (server/db/schema.ts) the domains' schema.ts", ok: (to, from) => to.layer === "kernel" || (to.layer === "schema" && from.id === "server/db/schema.ts") },
  schema: { may: "kernel only", ok: (to) => to.layer === "kernel" },
  model: { may: "kernel and model.ts files", ok: (to) => to.layer === "kernel" || to.layer === "model" },
  storage: {
    may: "kernel, model.ts files and its own domain's schema.ts",
    ok: (to, from) => to.layer === "kernel" || to.layer === "model" || (to.layer === "schema" && to.domain === from.domain),
  },
  rule: {
    may: "kernel, model.ts, rule modules and its own domain's storage.ts/schema.ts",
    ok: (to, from) => ["kernel", "model", "rule"].includes(to.layer) || ((to.layer === "storage" || to.layer === "schema") && to.domain === from.domain),
  },
  adapter: { may: "anything but server/app.tsx and server/main.ts", ok: (to) => to.layer !== "root" && to.layer !== "main" },
  view: {
    may: "views, model.ts files, server/i18n and the request-context type",
    ok: (to) => to.layer === "view" || to.layer === "model" || to.id.startsWith("server/i18n/") || to.id === CONTEXT,
  },
  root: { may: "anything but server/main.ts", ok: (to) => to.layer !== "main" },
  main: { may: "anything", ok: () => true },
};

export type Graph = Map<string, string[]>;

export function backEdges(graph: Graph): string[] {
  const out: string[] = [];
  for (const [from, tos] of graph) {
    const f = classify(from);
    for (const to of tos) if (!RULES[f.layer].ok(classify(to), f)) out.push(`${from} (${f.layer}: may import ${RULES[f.layer].may}) → ${to} (${classify(to).layer})`);
  }
  return out.sort();
}

/** Every strongly connected component of more than one module (or a module importing itself), as a path. */
export function cycles(graph: Graph): string[] {
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const out: string[] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n); low.set(v, n++); stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) { on.delete(w); scc.push(w); if (w === v) break; }
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort().join(" ↔ "));
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort();
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null; // packages and bun: built-ins are outside the house
  const base = normalize(join(dirname(from), spec)).replace(/\.(js|ts|tsx)$/, "");
  for (const cand of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) if (existsSync(join(ROOT, cand))) return cand;
  return null; // a non-code asset (`with { type: "file" }`)
}

export function readTree(): Graph {
  const graph: Graph = new Map();
  for (const dir of ["server", "views"]) {
    for (const file of new Glob("**/*.{ts,tsx}").scanSync(join(ROOT, dir))) {
      // Tests and test helpers (`testing.ts`) may reach anywhere, like test/helpers.
      if (/\.test\.tsx?$|\.d\.ts$|(^|\/)testing\.ts$/.test(file)) continue;
      const id = `${dir}/${file}`;
      const src = readFileSync(join(ROOT, id), "utf8");
      const tos = new Set<string>();
      for (const m of src.matchAll(IMPORT)) {
        const to = resolve(id, m[1] ?? m[2] ?? m[3]!);
        if (to && !to.startsWith("test/") && !to.endsWith(".d.ts")) tos.add(to);
      }
      graph.set(id, [...tos].sort());
    }
  }
  return graph;
}

describe("the checker itself", () => {
  const synthetic: Graph = new Map([
    ["server/rooms/model.ts", ["server/rooms/rooms.ts"]], // back-edge: a model importing a rule
    ["server/rooms/rooms.ts", ["server/rooms/model.ts", "server/rooms/storage.ts", "server/shop/storage.ts"]],
    ["server/rooms/storage.ts", ["server/rooms/model.ts"]],
    ["server/shop/storage.ts", []],
    ["server/shop/orders.ts", ["views/partials/shop.tsx", "server/app.tsx"]],
    ["views/partials/shop.tsx", ["server/shop/storage.ts", "server/i18n/index.ts", "server/http/context.ts"]],
    ["server/i18n/index.ts", []],
    ["server/http/context.ts", []],
    ["server/app.tsx", ["server/shop/orders.ts"]],
  ]);

  test("reports each back-edge with the rule it breaks", () => {
    expect(backEdges(synthetic)).toEqual([
      "server/rooms/model.ts (model: may import kernel and model.ts files) → server/rooms/rooms.ts (rule)",
      "server/rooms/rooms.ts (rule: may import kernel, model.ts, rule modules and its own domain's storage.ts/schema.ts) → server/shop/storage.ts (storage)",
      "server/shop/orders.ts (rule: may import kernel, model.ts, rule modules and its own domain's storage.ts/schema.ts) → server/app.tsx (root)",
      "server/shop/orders.ts (rule: may import kernel, model.ts, rule modules and its own domain's storage.ts/schema.ts) → views/partials/shop.tsx (view)",
      "views/partials/shop.tsx (view: may import views, model.ts files, server/i18n and the request-context type) → server/shop/storage.ts (storage)",
    ]);
  });

  test("reports each cycle", () => {
    expect(cycles(synthetic)).toEqual(["server/app.tsx ↔ server/shop/orders.ts", "server/rooms/model.ts ↔ server/rooms/rooms.ts ↔ server/rooms/storage.ts"]);
  });

  test("a clean graph passes, and the reader finds real imports", () => {
    const clean = new Map([...synthetic].map(([k, v]) => [k, v.filter((to) => !backEdges(new Map([[k, [to]]])).length)]));
    expect(backEdges(clean)).toEqual([]);
    expect(cycles(clean)).toEqual([]);
    expect(readTree().get("server/main.ts")?.length).toBeGreaterThan(0);
  });
});

describe("the real tree", () => {
  const graph = readTree();
  test("imports point down the layers", () => {
    expect(backEdges(graph)).toEqual([]);
  });
  test("no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });
});
