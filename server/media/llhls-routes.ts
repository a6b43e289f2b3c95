// HTTP side of low-latency mode (docs/live.md): LL-HLS media playlists with blocking reload (_HLS_msn/_HLS_part,
// answered the moment the part exists, 400 for impossible values, 503 after 3 target durations), delta updates
// (_HLS_skip=YES), parts from memory (the hinted next part blocks until written), whole segments and init
// segments from disk. The request's own query string (minus _HLS_*) goes onto every URI in the playlist.
import { join } from "node:path";
import { badHlsRequest, NAMES, notFound, notInTime, serveFile, servePlaylistText } from "./files";
import { blockingVerdict, LL_NAMES, llPlaylist, parseHlsQuery } from "./llhls";
import type { LlOutput } from "./llhls-output";

const PLAYLIST = "no-cache";
const IMMUTABLE = "public, max-age=31536000, immutable";

export async function serveLowLatency(out: LlOutput, dir: string, rungName: string, file: string, request: Request): Promise<Response> {
  if (!NAMES.rung.test(rungName)) return notFound("rendition");
  const rung = out.rung(rungName);
  if (!rung) return notFound("rendition");
  const timeoutMs = () => 3 * rung.view().targetDuration * 1000;

  if (file === "index.m3u8") {
    const search = new URL(request.url).search;
    const q = parseHlsQuery(search);
    if ("error" in q) return badHlsRequest(q.error);
    if (q.msn !== null) {
      const { msn, part } = q;
      const verdict = blockingVerdict(rung.view(), msn, part);
      if (typeof verdict === "object") return badHlsRequest(verdict.error);
      if (verdict === "wait" && !(await rung.wait(() => blockingVerdict(rung.view(), msn, part) === "ready", timeoutMs()))) {
        return notInTime(`segment ${msn}${part !== null ? ` part ${part}` : ""}`);
      }
    }
    const reports = out.rungs.filter((r) => r !== rung).map((r) => ({ uri: `../${r.name}/index.m3u8`, view: r.view() }));
    return servePlaylistText(llPlaylist(rung.view(), { skip: q.skip, q: q.passOn, reports }), PLAYLIST);
  }

  const part = LL_NAMES.part.exec(file);
  if (part) {
    const id = Number(part[1]);
    if (rung.isNextPart(id) && !(await rung.wait(() => rung.part(id) !== null, timeoutMs()))) return notInTime(`part ${id}`);
    const bytes = rung.part(id);
    if (!bytes) return notFound("part");
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": "video/mp4", "cache-control": IMMUTABLE, "access-control-allow-origin": "*", "content-length": String(bytes.length) } });
  }
  if (LL_NAMES.segment.test(file) || LL_NAMES.init.test(file)) return serveFile(join(dir, rungName, file), "fmp4", IMMUTABLE, request);
  return notFound("file");
}
