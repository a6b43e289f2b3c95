// The last lines the server logged, kept in memory for Admin → System, with secrets masked on the way in:
// stream keys, API tokens, overlay tokens, webhook secrets, Stripe keys, bearer headers and token query values.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(live|lh|ov|whsec|sk_live|sk_test|rk_live|rk_test)_[A-Za-z0-9_-]{16,}/g, "$1_***"],
  [/\b(Bearer)\s+\S+/gi, "$1 ***"],
  [/([?&](?:token|key|secret|password)=)[^&\s]+/gi, "$1***"],
  [/(\/overlay\/)[^/\s]+/g, "$1***"],
];

export function maskSecrets(line: string): string {
  let out = line;
  for (const [re, to] of SECRET_PATTERNS) out = out.replace(re, to);
  return out;
}

export function createLogRing(capacity: number) {
  const lines: string[] = [];
  return {
    push(line: string): void {
      lines.push(maskSecrets(line));
      if (lines.length > capacity) lines.splice(0, lines.length - capacity);
    },
    lines(): readonly string[] {
      return lines;
    },
  };
}

export type LogRing = ReturnType<typeof createLogRing>;
