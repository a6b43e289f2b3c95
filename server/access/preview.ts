// The free preview of a replay: its first N minutes, served without a signature to anyone.
export interface Preview {
  /** The playlist cut after the segments that start within the preview, closed with ENDLIST. */
  text: string;
  /** The segment names the preview lists: the only ones served without a signature. */
  names: Set<string>;
}

export function previewPlaylist(text: string, ms: number): Preview {
  const out: string[] = [];
  const names = new Set<string>();
  let elapsed = 0;
  let duration = 0;
  let group: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line === "#EXT-X-ENDLIST") continue;
    if (line.startsWith("#EXTINF:")) duration = parseFloat(line.slice(8)) * 1000 || 0;
    if (line.startsWith("#")) {
      // Tags before the first segment are the header; later ones belong to the next segment.
      if (names.size === 0 && !line.startsWith("#EXTINF:") && !line.startsWith("#EXT-X-PROGRAM-DATE-TIME") && !line.startsWith("#EXT-X-DISCONTINUITY") && group.length === 0) out.push(line);
      else group.push(line);
      continue;
    }
    if (elapsed >= ms) break;
    out.push(...group, line);
    names.add(line);
    group = [];
    elapsed += duration;
  }
  out.push("#EXT-X-ENDLIST");
  return { text: out.join("\n") + "\n", names };
}
