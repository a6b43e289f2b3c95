// A real SMTP sink for tests: Debian's python3-aiosmtpd with its Debugging handler, which prints every message it
// receives on stdout (scripts/ensure-deps smtp installs it). messages() splits that output into messages.
import { existsSync } from "node:fs";
import type { Subprocess } from "bun";
import { freePort } from "./server";

const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface SinkMessage {
  /** Header name (lower case) → value, as received. */
  headers: Map<string, string>;
  body: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  proc: Subprocess;
  /** Everything the sink printed. */
  output(): string;
  messages(): SinkMessage[];
  stop(): void;
}

export function parseSinkOutput(out: string): SinkMessage[] {
  const found: SinkMessage[] = [];
  for (const m of out.matchAll(/-{10} MESSAGE FOLLOWS -{10}\n([\s\S]*?)\n-{12} END MESSAGE -{12}/g)) {
    const raw = m[1]!;
    const split = raw.indexOf("\n\n");
    const head = split < 0 ? raw : raw.slice(0, split);
    const headers = new Map<string, string>();
    for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
      const i = line.indexOf(":");
      if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
    }
    found.push({ headers, body: split < 0 ? "" : raw.slice(split + 2), raw });
  }
  return found;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const port = await freePort();
  const proc = Bun.spawn([PYTHON, "-u", "-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`, "-c", "aiosmtpd.handlers.Debugging"], { stdout: "pipe", stderr: "pipe" });
  let out = "";
  void (async () => {
    const dec = new TextDecoder();
    const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out += dec.decode(value);
    }
  })();
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const s = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      s.end();
      break;
    } catch {}
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      throw new Error("the SMTP sink (python3-aiosmtpd) did not start; run scripts/ensure-deps smtp");
    }
    await Bun.sleep(100);
  }
  return { port, url: `smtp://127.0.0.1:${port}`, proc, output: () => out, messages: () => parseSinkOutput(out), stop: () => proc.kill() };
}
