// The Redis cluster against Debian's redis-server: what one process publishes in a turn of its event loop reaches
// the others as one PUBLISH, every message to its channel's handlers in the order published, never back to itself.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startRedis, type RunningRedis } from "../../test/helpers/redis";
import type { Cluster } from "./cluster";
import { createRedisCluster } from "./redis";

let redis: RunningRedis;
let a: Cluster;
let b: Cluster;

function publishCalls(): number {
  const out = Bun.spawnSync(["redis-cli", "-p", String(redis.port), "INFO", "commandstats"], { stdout: "pipe" }).stdout.toString();
  return Number(/cmdstat_publish:calls=(\d+)/.exec(out)?.[1] ?? 0);
}

beforeAll(async () => {
  redis = await startRedis();
  a = await createRedisCluster(redis.url, () => {});
  b = await createRedisCluster(redis.url, () => {});
});

afterAll(async () => {
  await a.close();
  await b.close();
  await redis.stop();
});

test("a turn's messages go out as one publish and arrive in order, each on its channel, at the other process only", async () => {
  const onB: string[] = [];
  const onA: string[] = [];
  b.on("room", (m, from) => onB.push(`room ${(m as { n: number }).n} from ${from === a.id ? "a" : from}`));
  b.on("user", (m) => onB.push(`user ${(m as { n: number }).n}`));
  a.on("room", (m) => onA.push(`room ${(m as { n: number }).n}`));
  const before = publishCalls();
  const want: string[] = [];
  for (let n = 0; n < 100; n++) {
    const channel = n % 3 === 0 ? "user" : "room";
    a.publish(channel, { n });
    want.push(channel === "user" ? `user ${n}` : `room ${n} from a`);
  }
  for (let i = 0; i < 100 && onB.length < 100; i++) await Bun.sleep(20);
  expect(onB).toEqual(want);
  expect(onA).toEqual([]);
  // One PUBLISH for the whole turn.
  expect(publishCalls() - before).toBe(1);
  // The next turn is its own publish.
  b.publish("room", { n: 1000 });
  for (let i = 0; i < 100 && onA.length < 1; i++) await Bun.sleep(20);
  expect(onA).toEqual(["room 1000"]);
});
