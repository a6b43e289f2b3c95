// Runs Debian's redis-server (scripts/ensure-deps redis) on a free loopback port, without persistence, for the
// scale-out tests; restart() stops it and starts it again on the same port (the clients must reconnect).
import type { Subprocess } from "bun";
import { freePort } from "./server";

export interface RunningRedis {
  url: string;
  port: number;
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const p = Bun.spawnSync(["redis-cli", "-p", String(port), "ping"], { stdout: "pipe", stderr: "ignore" });
    if (p.stdout.toString().trim() === "PONG") return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer`);
    await Bun.sleep(50);
  }
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  const spawn = () => Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdout: "ignore", stderr: "pipe" });
  let proc: Subprocess = spawn();
  await waitReady(port);
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(downMs = 500) {
      await stop();
      await Bun.sleep(downMs);
      proc = spawn();
      await waitReady(port);
    },
    stop,
  };
}
