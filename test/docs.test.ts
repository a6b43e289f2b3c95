// docs/ is the product's contract as users read it: the parts that code can state are checked against the code,
// so the reference cannot drift from what the server does.
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../server/cli/commands";
import { OPTIONS } from "../server/config";
import { ROOT } from "./helpers/server";

const doc = (name: string) => readFileSync(join(ROOT, "docs", name), "utf8");

/** The settings table as docs/config.md shows it, built from the options table. */
export function configTable(): string {
  const rows = OPTIONS.map((o) => {
    const secret = "secret" in o && o.secret ? " (secret: never printed)" : "";
    return `| \`${o.flag}\` | \`${o.env}\` | ${o.default === "" ? "(empty)" : `\`${o.default}\``} | ${o.help}${secret} |`;
  });
  return ["| flag | env | default | what |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

describe("docs/ matches the code", () => {
  test("config.md lists every setting exactly as server/config.ts defines it", () => {
    const m = /<!-- options:begin[^>]*-->\n([\s\S]*?)\n<!-- options:end -->/.exec(doc("config.md"));
    expect(m?.[1]).toBe(configTable());
  });

  test("cli.md documents every admin subcommand with its usage", () => {
    const cli = doc("cli.md");
    const missing = COMMANDS.filter((c) => !cli.includes(c.usage.replace(/\s+\(.*\)$/, "").trim()));
    expect(missing.map((c) => c.usage)).toEqual([]);
  });

  test("api.md lists every /api/v1 route the server defines", () => {
    const api = doc("api.md");
    const routes = new Set<string>();
    for (const f of new Glob("server/**/*.{ts,tsx}").scanSync(ROOT)) {
      if (f.endsWith(".test.ts")) continue;
      for (const m of readFileSync(join(ROOT, f), "utf8").matchAll(/"(\/api\/v1\/[^"]+)"/g)) routes.add(m[1]!.replace(/:([a-zA-Z]+)/g, "<$1>"));
    }
    expect(routes.size).toBeGreaterThan(10);
    expect([...routes].filter((r) => !api.includes(r)).sort()).toEqual([]);
  });

  test("every page of docs/ is linked from docs/README.md and README.md links docs/", () => {
    const index = doc("README.md");
    const pages = [...new Glob("*.md").scanSync(join(ROOT, "docs"))].filter((p) => p !== "README.md");
    expect(pages.filter((p) => !index.includes(`(${p})`))).toEqual([]);
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("docs/README.md");
  });
});
