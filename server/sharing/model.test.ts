// The sharing model's pure helpers: origins for CSP, the allow-list parser, oEmbed sizes, XML text, excerpts.
import { describe, expect, test } from "bun:test";
import { parseOrigins } from "./embed";
import { embedSize, excerpt, frameAncestors, parseOrigin, xmlEscape } from "./model";

describe("origins", () => {
  test("only scheme + host (+ port); a trailing slash is dropped; anything that could break a CSP header is refused", () => {
    expect(parseOrigin(" https://Blog.Example.com/ ")).toBe("https://blog.example.com");
    expect(parseOrigin("http://127.0.0.1:8081")).toBe("http://127.0.0.1:8081");
    for (const bad of ["*", "https://*.example.com", "https://a.example/path", "https://a.example?x=1", "https://u:p@a.example", "ftp://a.example", "javascript:alert(1)", "https://a.example; script-src *", "'self'", ""]) {
      expect({ bad, got: parseOrigin(bad) }).toEqual({ bad, got: null });
    }
  });

  test("the list: blank lines skipped, duplicates merged, the first bad line named, at most 20", () => {
    expect(parseOrigins("https://a.example\n\n https://a.example/ \nhttp://b.example:81")).toEqual({ ok: true, origins: ["https://a.example", "http://b.example:81"] });
    expect(parseOrigins("https://a.example\nnope")).toEqual({ ok: false, line: "nope", tooMany: false });
    expect(parseOrigins(Array.from({ length: 21 }, (_, i) => `https://s${i}.example`).join("\n"))).toMatchObject({ ok: false, tooMany: true });
    expect(frameAncestors([])).toBe("*");
    expect(frameAncestors(["https://a.example"])).toBe("'self' https://a.example");
  });
});

test("embedSize keeps 16:9 inside maxwidth / maxheight and never grows past 640 × 360", () => {
  expect(embedSize(null, null)).toEqual({ width: 640, height: 360 });
  expect(embedSize(2000, 2000)).toEqual({ width: 640, height: 360 });
  expect(embedSize(320, null)).toEqual({ width: 320, height: 180 });
  expect(embedSize(null, 90)).toEqual({ width: 160, height: 90 });
  expect(embedSize(300, 100)).toEqual({ width: 178, height: 100 });
});

test("xmlEscape escapes markup and drops characters XML 1.0 cannot hold", () => {
  expect(xmlEscape(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;");
  expect(xmlEscape("bell\u0007 null\u0000 ok\u{1F600}\t\n")).toBe("bell null ok\u{1F600}\t\n");
});

test("excerpt collapses whitespace and cuts on a word with an ellipsis", () => {
  expect(excerpt("  a\n\n b  ")).toBe("a b");
  const long = "word ".repeat(100);
  const e = excerpt(long, 50);
  expect(e.length).toBeLessThanOrEqual(50);
  expect(e.endsWith("word…")).toBe(true);
  expect(excerpt("x".repeat(300), 10)).toBe("xxxxxxxxx…");
});
