import { expect, test } from "bun:test";
import { createLogRing, maskSecrets } from "./logs";

test("secrets are masked in kept log lines", () => {
  const key = "live_" + "a".repeat(32);
  expect(maskSecrets(`rtmp: refused ${key} from 1.2.3.4`)).toBe("rtmp: refused live_*** from 1.2.3.4");
  expect(maskSecrets(`token lh_${"B".repeat(43)} used`)).toBe("token lh_*** used");
  expect(maskSecrets(`secret whsec_${"c".repeat(32)}`)).toBe("secret whsec_***");
  expect(maskSecrets(`stripe sk_test_${"d".repeat(24)}`)).toBe("stripe sk_test_***");
  expect(maskSecrets("Authorization: Bearer abc.def")).toBe("Authorization: Bearer ***");
  expect(maskSecrets("GET /api/v1/rooms/x/events?token=abc&x=1")).toBe("GET /api/v1/rooms/x/events?token=***&x=1");
  expect(maskSecrets("GET /overlay/ov_secret123/gifts")).toBe("GET /overlay/***/gifts");
  expect(maskSecrets("lh_session cookie and live_short stay")).toBe("lh_session cookie and live_short stay");
});

test("the ring keeps the last N lines", () => {
  const ring = createLogRing(3);
  for (let i = 1; i <= 5; i++) ring.push(`line ${i}`);
  expect(ring.lines()).toEqual(["line 3", "line 4", "line 5"]);
});
