// The class calendar file, read back by a small strict RFC 5545 reader: CRLF only, no line over 75 octets, folds
// are CRLF + one space, the properties a calendar needs are there once, and TEXT escapes round-trip.
import { describe, expect, test } from "bun:test";
import { classIcs, foldLine, icsEscape } from "./ics";
import type { ClassInfo } from "./model";

/** Unfolds and parses content lines strictly; throws on anything RFC 5545 forbids that we could emit. */
function parseIcs(text: string): { name: string; params: string; value: string }[] {
  if (/\r(?!\n)|(?<!\r)\n/.test(text)) throw new Error("bare CR or LF");
  if (!text.endsWith("\r\n")) throw new Error("no final CRLF");
  const physical = text.slice(0, -2).split("\r\n");
  for (const l of physical) if (new TextEncoder().encode(l).length > 75) throw new Error(`line over 75 octets: ${l}`);
  const logical: string[] = [];
  for (const l of physical) {
    if (l.startsWith(" ") || l.startsWith("\t")) logical[logical.length - 1] += l.slice(1);
    else logical.push(l);
  }
  return logical.map((l) => {
    const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/.exec(l);
    if (!m) throw new Error(`not a content line: ${l}`);
    return { name: m[1]!, params: m[2]!, value: m[3]! };
  });
}

function unescapeText(v: string): string {
  if (/(^|[^\\])(\\\\)*[;,]/.test(v.replace(/\\[\\;,nN]/g, ""))) throw new Error(`unescaped ; or , in ${v}`);
  return v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

const klass: ClassInfo = {
  id: 7, teacherId: 1, teacherName: "Dr. Wang, PhD", teacherUsername: "wang", roomId: 1, roomSlug: "math-abcd",
  title: "Algebra; lesson 1, «线性代数» — a title long enough to be folded across several physical lines of the file",
  description: "Bring: paper, pen; calculator\\notes\nLine two 你好世界你好世界你好世界你好世界你好世界你好世界你好世界",
  startsAt: Date.parse("2026-12-01T18:00:00Z"), minutes: 90, priceMinor: 100, currency: "COIN", capacity: 10, seatsTaken: 0, replayIncluded: true, createdAt: 0,
};

describe("class calendar file (RFC 5545)", () => {
  test("reads back strictly: folding, CRLF, required properties, escaped text", () => {
    const ics = classIcs(klass, { baseUrl: "https://live.example.com", host: "live.example.com", now: Date.parse("2026-11-30T12:00:00Z") });
    const lines = parseIcs(ics);
    const get = (name: string) => lines.filter((l) => l.name === name);
    expect(lines[0]).toEqual({ name: "BEGIN", params: "", value: "VCALENDAR" });
    expect(lines.at(-1)).toEqual({ name: "END", params: "", value: "VCALENDAR" });
    for (const p of ["VERSION", "PRODID", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"]) expect(get(p).length).toBe(1);
    expect(get("UID")[0]!.value).toBe("class-7@live.example.com");
    expect(get("DTSTART")[0]!.value).toBe("20261201T180000Z");
    expect(get("DTEND")[0]!.value).toBe("20261201T193000Z");
    expect(get("DTSTAMP")[0]!.value).toBe("20261130T120000Z");
    expect(unescapeText(get("SUMMARY")[0]!.value)).toBe(klass.title);
    expect(unescapeText(get("DESCRIPTION")[0]!.value)).toBe(`${klass.description}\n\nhttps://live.example.com/classes/7`);
    expect(ics.split("\r\n").some((l) => l.startsWith(" "))).toBe(true);
  });

  test("folding never splits a UTF-8 sequence and keeps every line within 75 octets", () => {
    const line = "DESCRIPTION:" + "你".repeat(100);
    const folded = foldLine(line);
    for (const l of folded.split("\r\n")) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
    expect(folded.split("\r\n").map((l, i) => (i ? l.slice(1) : l)).join("")).toBe(line);
    expect(icsEscape("a;b,c\\d\ne")).toBe("a\\;b\\,c\\\\d\\ne");
  });
});
