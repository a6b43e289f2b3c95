// A local S3-compatible server for tests: s3rver (npm, pinned devDependency) run by Bun as a child process on a
// loopback port, with one bucket and a CORS rule so browsers may fetch from it. Its log records each stored object,
// in order. Note: s3rver accepts any SigV4 signature (it does not verify them), so tests here prove the requests
// and the order, not that a tampered presigned URL is refused.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { S3Client, type Subprocess } from "bun";
import { freePort, ROOT, tempDataDir } from "./server";

const BUN = join(ROOT, "node_modules/.bin/bun");
const S3RVER = join(ROOT, "node_modules/s3rver/bin/s3rver.js");
const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`;

export interface LocalS3 {
  endpoint: string;
  port: number;
  bucket: string;
  dir: string;
  /** Keys in the order the server stored them (its own log). */
  stored(): string[];
  client(): S3Client;
  /** The server's flags for this bucket. */
  args(): string[];
  stop(): Promise<void>;
  /** Starts again on the same port and data. */
  start(): Promise<void>;
}

export async function startS3(bucket = "replays"): Promise<LocalS3> {
  const dir = tempDataDir("lh-s3-");
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "cors.xml"), CORS);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let proc: Subprocess<"ignore", "pipe", "pipe"> | null = null;
  let log = "";
  const keys: string[] = [];

  async function start(): Promise<void> {
    const p = Bun.spawn([BUN, S3RVER, "-d", join(dir, "data"), "-p", String(port), "-a", "127.0.0.1", "--configure-bucket", bucket, join(dir, "cors.xml")], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    proc = p;
    void (async () => {
      const dec = new TextDecoder();
      const reader = p.stdout.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        log += dec.decode(value);
        const lines = log.split("\n");
        log = lines.pop()!;
        // e.g. 'info: Stored object "replays/1-ab/360p/r0_0.ts" in bucket "replays" successfully' (with colours)
        for (const l of lines) {
          const m = /Stored object "([^"]+)" in bucket/.exec(l.replace(/\x1b\[[0-9;]*m/g, ""));
          if (m) keys.push(m[1]!);
        }
      }
    })();
    for (let i = 0; i < 150; i++) {
      try {
        await fetch(`${endpoint}/`);
        return;
      } catch {
        if (p.exitCode !== null) break;
        await Bun.sleep(100);
      }
    }
    throw new Error(`s3rver did not start: ${await new Response(p.stderr).text()}`);
  }

  await start();
  return {
    endpoint, port, bucket, dir,
    stored: () => [...keys],
    client: () => new S3Client({ endpoint, bucket, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" }),
    args: () => ["--s3-endpoint", endpoint, "--s3-bucket", bucket, "--s3-access-key", "S3RVER", "--s3-secret-key", "S3RVER"],
    async stop() {
      if (proc && proc.exitCode === null) {
        proc.kill();
        await proc.exited;
      }
    },
    start,
  };
}
