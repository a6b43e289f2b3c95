import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config";

describe("loadConfig", () => {
  test("defaults serve a hobbyist with no edits", () => {
    const c = loadConfig([], {});
    expect(c.httpPort).toBe(8080);
    expect(c.rtmpPort).toBe(1935);
    expect(c.latencyMode).toBe("standard");
    expect(c.dataDir.endsWith("/data")).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  const rows: { name: string; argv: string[]; env: Record<string, string>; expect: Partial<Record<string, unknown>> | RegExp }[] = [
    { name: "flag beats env", argv: ["--http-port", "9000"], env: { LIVEHOUSE_HTTP_PORT: "9100" }, expect: { httpPort: 9000 } },
    { name: "env beats default", argv: [], env: { LIVEHOUSE_RTMP_PORT: "19350" }, expect: { rtmpPort: 19350 } },
    { name: "--flag=value form", argv: ["--rtmp-port=2000"], env: {}, expect: { rtmpPort: 2000 } },
    { name: "public url", argv: ["--public-url", "https://live.example.com"], env: {}, expect: { publicUrl: "https://live.example.com" } },
    { name: "port out of range names the flag", argv: ["--http-port", "70000"], env: {}, expect: /^--http-port: 70000 must be a port/ },
    { name: "non-numeric env names the variable", argv: [], env: { LIVEHOUSE_RTMP_PORT: "abc" }, expect: /^LIVEHOUSE_RTMP_PORT: "abc" is not a valid value/ },
    { name: "missing value", argv: ["--data-dir"], env: {}, expect: /^--data-dir: missing value/ },
    { name: "bad url", argv: ["--public-url", "ftp://x"], env: {}, expect: /^--public-url: .* must be an http\(s\) URL/ },
    { name: "latency mode defaults to standard; env sets low", argv: [], env: { LIVEHOUSE_LATENCY_MODE: "low" }, expect: { latencyMode: "low" } },
    { name: "an unknown latency mode is refused", argv: ["--latency-mode", "ultra"], env: {}, expect: /^--latency-mode: "ultra" is not a valid value \(default latency mode of rooms: standard or low/ },
    { name: "creator share over 100 is refused", argv: ["--gift-creator-share", "101"], env: {}, expect: /^--gift-creator-share: 101 must be between 0 and 100/ },
  ];
  for (const row of rows) {
    test(row.name, () => {
      if (row.expect instanceof RegExp) {
        expect(() => loadConfig(row.argv, row.env)).toThrow(ConfigError);
        expect(() => loadConfig(row.argv, row.env)).toThrow(row.expect);
      } else {
        expect(loadConfig(row.argv, row.env)).toMatchObject(row.expect);
      }
    });
  }
});
