// Tiny flag reader for admin subcommands: `--name value` or `--name=value`, plus boolean flags.
export class UsageError extends Error {}

export function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(name + "="));
  if (i < 0) return undefined;
  const a = argv[i]!;
  const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1];
  if (v === undefined || (!a.includes("=") && v.startsWith("--"))) throw new UsageError(`${name} needs a value`);
  return v;
}

export function required(argv: readonly string[], name: string): string {
  const v = flag(argv, name);
  if (v === undefined || v === "") throw new UsageError(`${name} is required`);
  return v;
}

export function has(argv: readonly string[], name: string): boolean {
  return argv.includes(name);
}

export function intFlag(argv: readonly string[], name: string): number {
  const v = required(argv, name);
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${name} must be an integer, got "${v}"`);
  return Number(v);
}
