import { expect, test } from "bun:test";
import { RETRY_WINDOW_MS, checkTargetUrl, nextAttemptAt, parseEvents, signatureHeader, verifySignature } from "./model";

test("backoff doubles per attempt, caps at an hour, and stops 24 h after the event", () => {
  const base = 10_000;
  expect(nextAttemptAt(0, 1, 0, base)).toBe(10_000);
  expect(nextAttemptAt(0, 2, 0, base)).toBe(20_000);
  expect(nextAttemptAt(0, 5, 0, base)).toBe(160_000);
  expect(nextAttemptAt(0, 30, 0, base)).toBe(3_600_000);
  expect(nextAttemptAt(0, 30, RETRY_WINDOW_MS - 3_600_000, base)).toBe(RETRY_WINDOW_MS);
  expect(nextAttemptAt(0, 30, RETRY_WINDOW_MS - 60_000, base)).toBeNull();
  // attempts over a day with the default base: about 30, not thousands
  let now = 0;
  let n = 0;
  for (let a = 1; ; a++) {
    const next = nextAttemptAt(0, a, now, base);
    if (next === null) break;
    now = next;
    n++;
  }
  expect(n).toBeGreaterThan(20);
  expect(n).toBeLessThan(40);
});

test("signature: t=<unix>,v1=<hex HMAC-SHA256 of 't.body'>; tampered, stale or foreign signatures fail", () => {
  const body = '{"id":"evt_1","type":"room.live"}';
  const h = signatureHeader("whsec_x", body, 1_700_000_000);
  expect(h).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
  expect(verifySignature("whsec_x", body, h, 1_700_000_010)).toBe(true);
  expect(verifySignature("whsec_x", body + " ", h, 1_700_000_010)).toBe(false);
  expect(verifySignature("whsec_y", body, h, 1_700_000_010)).toBe(false);
  expect(verifySignature("whsec_x", body, h, 1_700_000_000 + 301)).toBe(false);
  expect(verifySignature("whsec_x", body, "garbage", 1_700_000_000)).toBe(false);
});

test("targets: loopback receivers allowed, only our own port (or public URL) refused", () => {
  const own = { httpPort: 8080, publicUrl: "https://live.example.com" };
  expect(checkTargetUrl("http://127.0.0.1:5678/webhook", own)).toEqual({ url: "http://127.0.0.1:5678/webhook" });
  expect(checkTargetUrl("http://localhost:5678/n8n", own)).toHaveProperty("url");
  for (const bad of ["http://localhost:8080/x", "http://127.0.0.1:8080/", "http://[::1]:8080/", "https://live.example.com/hook", "ftp://x/", "not a url", "http://u:p@example.com/"])
    expect(checkTargetUrl(bad, own)).toHaveProperty("error");
  expect(parseEvents("room.live, gift.sent,room.live")).toEqual({ events: ["room.live", "gift.sent"] });
  expect(parseEvents("")).toHaveProperty("error");
});
