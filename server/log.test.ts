import { expect, test } from "bun:test";
import { createLog, escapeForLog } from "./log";

test("control characters from outside cannot forge a log line or drive a terminal", () => {
  expect(escapeForLog("rtmp: unknown app \"live\n2026-11-30T00:00:00.000Z admin logged in\"")).toBe("rtmp: unknown app \"live\\n2026-11-30T00:00:00.000Z admin logged in\"");
  expect(escapeForLog("a\rb\tc\u001b[31mred\u0000\u007f\u0085\u2028")).toBe("a\\rb\\tc\\u001b[31mred\\u0000\\u007f\\u0085\\u2028");
  expect(escapeForLog("plain ünïcode 直播 ok")).toBe("plain ünïcode 直播 ok");
  const lines: string[] = [];
  createLog((l) => lines.push(l))("x\ny");
  expect(lines).toEqual(["x\\ny"]);
});
