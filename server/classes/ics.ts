// A calendar entry for a class as RFC 5545 text: CRLF line ends, lines folded at 75 octets (never inside a UTF-8
// sequence), TEXT values escaped (backslash, semicolon, comma, newline), UTC times, a stable UID and a DTSTAMP.
import type { ClassInfo } from "./model";

export function icsEscape(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

/** Folds one content line: at most 75 octets per line, continuation lines start with one space. */
export function foldLine(line: string): string {
  const enc = new TextEncoder();
  const out: string[] = [];
  let cur = "";
  let curBytes = 0;
  for (const ch of line) {
    const n = enc.encode(ch).length;
    const limit = out.length === 0 ? 75 : 74; // continuation lines spend one octet on the leading space
    if (curBytes + n > limit) {
      out.push(cur);
      cur = "";
      curBytes = 0;
    }
    cur += ch;
    curBytes += n;
  }
  out.push(cur);
  return out.join("\r\n ");
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export function classIcs(c: ClassInfo, opts: { baseUrl: string; host: string; now: number }): string {
  const url = `${opts.baseUrl}/classes/${c.id}`;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Livehouse//Classes//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:class-${c.id}@${opts.host}`,
    `DTSTAMP:${utc(opts.now)}`,
    `DTSTART:${utc(c.startsAt)}`,
    `DTEND:${utc(c.startsAt + c.minutes * 60_000)}`,
    `SUMMARY:${icsEscape(c.title)}`,
    `DESCRIPTION:${icsEscape(`${c.description}\n\n${url}`.trim())}`,
    `ORGANIZER;CN=${icsEscape(c.teacherName).replace(/[":]/g, "")}:mailto:noreply@${opts.host}`,
    `URL:${url}`,
    `LOCATION:${icsEscape(`${opts.baseUrl}/r/${c.roomSlug}`)}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
