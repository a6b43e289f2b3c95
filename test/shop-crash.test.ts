// Process-level durability and timers: kill -9 right after a 201 on checkout keeps the order (with its stock
// decrement and coin payment), because the money connection commits with synchronous=FULL before answering;
// and the real server's reservation sweeper expires unpaid orders.
import { afterAll, expect, test } from "bun:test";
import { removeDir, startServer, tempDataDir, type RunningServer } from "./helpers/server";
import { api, cliOk, seedBuyers, shopCounts } from "./shop-helpers";

const dataDir = tempDataDir("lh-shop-crash-");
let srv: RunningServer | null = null;

afterAll(async () => {
  await srv?.stop();
  removeDir(dataDir);
}, 60_000);

test("an order answered with 201 survives kill -9", async () => {
  srv = await startServer({ dataDir });
  const run = (args: string[]) => cliOk(srv!, args);
  await run(["user", "create", "--username", "seller", "--password", "password1", "--role", "creator"]);
  const usd = (await run(["product", "create", "--owner", "seller", "--title", "Vinyl", "--price", "2500", "--currency", "USD", "--stock", "5", "--kind", "digital"])).id;
  const coin = (await run(["product", "create", "--owner", "seller", "--title", "Badge", "--price", "40", "--currency", "COIN", "--stock", "5", "--kind", "digital"])).id;
  const [b] = await seedBuyers(dataDir, 1, "crashbuyer");
  await run(["wallet", "credit", "--username", b!.username, "--coins", "100"]);
  const call = api(srv.url, b!.token);
  const paid = await call("/api/v1/orders", { productId: coin, quantity: 1, provider: "wallet", idempotencyKey: "crash-coin-1" });
  const pending = await call("/api/v1/orders", { productId: usd, quantity: 2, provider: "manual", idempotencyKey: "crash-usd-1" });
  expect([paid.status, pending.status]).toEqual([201, 201]);
  srv.proc.kill("SIGKILL");
  await srv.proc.exited;

  srv = await startServer({ dataDir });
  const again = api(srv.url, b!.token);
  const [p1, p2] = await Promise.all([(await again(`/api/v1/orders/${(await paid.json()).id}`)).json(), (await again(`/api/v1/orders/${(await pending.json()).id}`)).json()]);
  expect(p1).toMatchObject({ status: "paid", total: { minor: 40, currency: "COIN" } });
  expect(p2).toMatchObject({ status: "pending", quantity: 2 });
  expect(shopCounts(dataDir, usd)).toMatchObject({ paidOrPending: 1, stock: 3, negatives: 0 });
  expect((await (await again("/api/v1/me/wallet")).json()).coins).toBe(60);
  // Replaying the same request after the crash returns the stored order instead of a second one.
  const replay = await again("/api/v1/orders", { productId: coin, quantity: 1, provider: "wallet", idempotencyKey: "crash-coin-1" });
  expect((await replay.json()).id).toBe(p1.id);
  expect((await srv.cli(["wallet", "check"])).code).toBe(0);
}, 60_000);

test("the running server's sweeper expires an unpaid order and returns its stock", async () => {
  const dir = tempDataDir("lh-shop-expiry-");
  const short = await startServer({ dataDir: dir, args: ["--order-reservation-ms", "300"] });
  try {
    await short.cli(["user", "create", "--username", "seller", "--password", "password1", "--role", "creator"]);
    const id = (await short.cli(["product", "create", "--owner", "seller", "--title", "Held", "--price", "100", "--currency", "USD", "--stock", "1", "--kind", "digital"])).json.id;
    const [b] = await seedBuyers(dir, 1, "holder");
    const call = api(short.url, b!.token);
    const o = await (await call("/api/v1/orders", { productId: id, quantity: 1, provider: "manual", idempotencyKey: "hold-1234" })).json();
    expect(o.status).toBe("pending");
    expect(shopCounts(dir, id).stock).toBe(0);
    const deadline = Date.now() + 20_000;
    let status = o.status;
    while (status === "pending" && Date.now() < deadline) {
      await Bun.sleep(100);
      status = (await (await call(`/api/v1/orders/${o.id}`)).json()).status;
    }
    expect(status).toBe("expired");
    expect(shopCounts(dir, id)).toMatchObject({ paidOrPending: 0, stock: 1, negatives: 0 });
  } finally {
    await short.stop();
    removeDir(dir);
  }
}, 60_000);
