// The SMTP client's batches against a small scripted SMTP server on loopback (the full path to Debian's aiosmtpd is
// in test/notifications.test.ts): one connection per batch, a refused recipient reset with RSET while the others
// go, a bad address or header refused before the connection, and a server that hangs up failing the rest.
import { afterEach, expect, test } from "bun:test";
import type { TCPSocketListener } from "bun";
import { createSmtpMailer, type MailMessage } from "./smtp";

let server: TCPSocketListener<{ buf: string; data: boolean }> | null = null;
afterEach(() => server?.stop(true));

/** Accepts everything but RCPT TO a "refused@" address (550); `hangUpAfter` mails it drops the connection. */
function scripted(opts: { hangUpAfter?: number } = {}) {
  const log = { connections: 0, delivered: [] as string[], commands: [] as string[] };
  server = Bun.listen<{ buf: string; data: boolean }>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(s) {
        log.connections++;
        s.data = { buf: "", data: false };
        s.write("220 test ESMTP\r\n");
      },
      data(s, chunk) {
        s.data.buf += chunk.toString();
        for (let i = s.data.buf.indexOf("\r\n"); i >= 0; i = s.data.buf.indexOf("\r\n")) {
          const line = s.data.buf.slice(0, i);
          s.data.buf = s.data.buf.slice(i + 2);
          if (s.data.data) {
            if (line === ".") {
              s.data.data = false;
              log.delivered.push("mail");
              if (opts.hangUpAfter !== undefined && log.delivered.length >= opts.hangUpAfter) return void s.end();
              s.write("250 queued\r\n");
            }
            continue;
          }
          log.commands.push(line.split(" ")[0]!);
          if (line.startsWith("RCPT TO:<refused@")) s.write("550 no such user\r\n");
          else if (line === "DATA") {
            s.data.data = true;
            s.write("354 go on\r\n");
          } else if (line === "QUIT") {
            s.write("221 bye\r\n");
            s.end();
          } else s.write("250 ok\r\n");
        }
      },
    },
  });
  return { url: `smtp://127.0.0.1:${server.port}`, log };
}

const mail = (to: string, headers?: Record<string, string>): MailMessage => ({ to, subject: "Live", text: ".starts with a dot\nline", headers });

test("one connection for the batch; a refused recipient is reset and the rest still go", async () => {
  const { url, log } = scripted();
  const results = await createSmtpMailer(url, "live@example.test").sendMany([mail("a@example.test"), mail("refused@example.test"), mail("b@example.test")]);
  expect(results.map((r) => r?.message ?? null)).toEqual([null, expect.stringContaining("550 no such user"), null]);
  expect(log.connections).toBe(1);
  expect(log.delivered.length).toBe(2);
  expect(log.commands.filter((c) => c === "RSET").length).toBe(1);
});

test("bad addresses and headers are refused without a connection; all bad means no connection at all", async () => {
  const { url, log } = scripted();
  const results = await createSmtpMailer(url, "live@example.test").sendMany([mail("not an address"), mail("a@example.test", { "X-Evil": "a\r\nBcc: x@example.test" })]);
  expect(results.map((r) => r?.message)).toEqual(['smtp: "not an address" is not an address', 'smtp: header "X-Evil" is not a single line']);
  expect(log.connections).toBe(0);
});

test("a server that hangs up mid-batch fails the rest of the batch (they are retried later), never hangs", async () => {
  const { url, log } = scripted({ hangUpAfter: 1 });
  const results = await createSmtpMailer(url, "live@example.test", { timeoutMs: 2_000 }).sendMany([mail("a@example.test"), mail("b@example.test"), mail("c@example.test")]);
  expect(results[0]).not.toBeNull(); // its 250 never came: not known to be sent
  expect(results.every((r) => r instanceof Error)).toBe(true);
  expect(log.connections).toBe(1);
});

test("send() is a batch of one and throws the refusal", async () => {
  const { url } = scripted();
  const m = createSmtpMailer(url, "live@example.test");
  await m.send(mail("a@example.test"));
  await expect(m.send(mail("refused@example.test"))).rejects.toThrow(/550/);
});
