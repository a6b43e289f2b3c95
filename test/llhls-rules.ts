// Apple's LL-HLS rules (RFC 8216bis §4.4.3.7–4.4.5.2, 6.2.5.2) checked on a playlist's text: what a player or
// Apple's mediastreamvalidator would complain about. Returns the problems found (empty when it holds).
export function llRuleProblems(text: string, opts: { delta?: boolean } = {}): string[] {
  const problems: string[] = [];
  const lines = text.trim().split("\n");
  const tag = (name: string) => lines.find((l) => l.startsWith(`#${name}:`))?.slice(name.length + 2) ?? null;
  const attr = (value: string | null, key: string) => (value ? new RegExp(`(?:^|,)${key}=("?)([^",]*)\\1`).exec(value)?.[2] ?? null : null);
  if (lines[0] !== "#EXTM3U") problems.push("first line is not #EXTM3U");
  const version = Number(tag("EXT-X-VERSION"));
  const td = Number(tag("EXT-X-TARGETDURATION"));
  const control = tag("EXT-X-SERVER-CONTROL");
  const partTarget = Number(attr(tag("EXT-X-PART-INF"), "PART-TARGET"));
  const ended = lines.includes("#EXT-X-ENDLIST");
  if (!(td > 0)) problems.push("no EXT-X-TARGETDURATION");
  if (!(partTarget > 0)) problems.push("no EXT-X-PART-INF PART-TARGET");
  if (attr(control, "CAN-BLOCK-RELOAD") !== "YES") problems.push("no CAN-BLOCK-RELOAD=YES");
  const phb = Number(attr(control, "PART-HOLD-BACK"));
  if (!(phb >= 2 * partTarget)) problems.push(`PART-HOLD-BACK ${phb} < 2 × PART-TARGET ${partTarget}`);
  const skipUntil = attr(control, "CAN-SKIP-UNTIL");
  if (skipUntil !== null && Number(skipUntil) < 6 * td) problems.push(`CAN-SKIP-UNTIL ${skipUntil} < 6 × target duration`);
  if (skipUntil !== null && version < 9) problems.push("CAN-SKIP-UNTIL needs EXT-X-VERSION 9");
  if (!lines.some((l) => l.startsWith("#EXT-X-MAP:"))) problems.push("no EXT-X-MAP for fMP4");
  if (!ended && !lines.some((l) => l.startsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI="))) problems.push("no EXT-X-PRELOAD-HINT");
  if (lines.some((l) => l.startsWith("#EXT-X-SKIP:")) !== !!opts.delta && opts.delta !== undefined) {
    if (!opts.delta) problems.push("EXT-X-SKIP in a full playlist");
  }
  // Segments: EXTINF rounded ≤ target; parts of a segment add up to it, each ≤ PART-TARGET; a segment's first
  // part is independent; parts appear only near the live edge (after the first listed part, every segment has them).
  let parts: { duration: number; independent: boolean }[] = [];
  let sawParts = false;
  let segments = 0;
  for (const l of lines) {
    if (l.startsWith("#EXT-X-PART:")) {
      const d = Number(attr(l.slice(12), "DURATION"));
      if (!(d > 0) || d > partTarget + 1e-6) problems.push(`part of ${d} s exceeds PART-TARGET ${partTarget}`);
      parts.push({ duration: d, independent: /INDEPENDENT=YES/.test(l) });
      sawParts = true;
    } else if (l.startsWith("#EXTINF:")) {
      segments++;
      const d = parseFloat(l.slice(8));
      if (Math.round(d) > td) problems.push(`segment of ${d} s exceeds target duration ${td}`);
      if (sawParts && !parts.length && !ended) problems.push("a segment after the first with parts has none");
      if (parts.length) {
        const sum = parts.reduce((t, p) => t + p.duration, 0);
        if (Math.abs(sum - d) > 0.002) problems.push(`parts add up to ${sum.toFixed(4)} s, segment is ${d} s`);
        if (!parts[0]!.independent) problems.push("a segment's first part is not INDEPENDENT=YES");
      }
      parts = [];
    } else if (/^[^#].*\.m4s/.test(l) || /^#EXT-X-(PART|MAP|PRELOAD-HINT|RENDITION-REPORT):/.test(l)) {
      // every URI is a relative name without traversal
      const uri = l.startsWith("#") ? /URI="([^"]+)"/.exec(l)?.[1] ?? "" : l;
      if (uri.includes("//") || /^\//.test(uri)) problems.push(`URI ${uri} is not relative`);
    }
  }
  if (!segments && !opts.delta) problems.push("no whole segment yet (hls.js raises levelEmptyError)");
  return problems;
}
