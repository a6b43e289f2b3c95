// A minimal SMTP client (RFC 5321) for reminder and go-live e-mails: EHLO, optional AUTH PLAIN, then per message
// MAIL FROM, RCPT TO, DATA with dot-stuffing (RSET after a refusal), QUIT. Plain TCP (smtp://) or implicit TLS
// (smtps://); no STARTTLS — point it at a local relay or an smtps port. Every reply is checked; a timeout or an
// unexpected code rejects with the server's words.
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Extra headers (e.g. List-Unsubscribe); line breaks in names or values are refused. */
  headers?: Record<string, string>;
}

export interface Mailer {
  readonly enabled: boolean;
  send(msg: MailMessage): Promise<void>;
  /** Several messages over one connection; per message null (sent) or why not. Rejects when none could be tried. */
  sendMany(msgs: readonly MailMessage[]): Promise<(Error | null)[]>;
}

export interface SmtpTarget {
  host: string;
  port: number;
  tls: boolean;
  user: string | null;
  pass: string | null;
}

/** Reads smtp://[user:pass@]host[:port] or smtps://…; null for anything else. */
export function parseSmtpUrl(raw: string): SmtpTarget | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if ((u.protocol !== "smtp:" && u.protocol !== "smtps:") || !u.hostname) return null;
  const tls = u.protocol === "smtps:";
  return { host: u.hostname, port: u.port ? Number(u.port) : tls ? 465 : 25, tls, user: u.username ? decodeURIComponent(u.username) : null, pass: u.password ? decodeURIComponent(u.password) : null };
}

/** RFC 2047 encoded-word for a non-ASCII subject. */
function encodeHeader(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`;
}

/** The message as sent after DATA: headers, CRLF lines, dot-stuffed, ended by CRLF.CRLF. */
export function formatMessage(from: string, msg: MailMessage, now: number, id: string): string {
  const body = msg.text.replace(/\r\n|\r|\n/g, "\r\n").split("\r\n").map((l) => (l.startsWith(".") ? "." + l : l)).join("\r\n");
  const head = [
    `From: ${from}`, `To: ${msg.to}`, `Subject: ${encodeHeader(msg.subject.replace(/[\r\n]+/g, " "))}`, `Date: ${new Date(now).toUTCString()}`,
    `Message-ID: <${id}>`, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
  ];
  for (const [name, value] of Object.entries(msg.headers ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name) || /[\r\n]/.test(value)) throw new Error(`smtp: header "${name}" is not a single line`);
    head.push(`${name}: ${value}`);
  }
  return `${head.join("\r\n")}\r\n\r\n${body}\r\n.\r\n`;
}

const ADDRESS = /^[^\s<>@,;"]{1,64}@[A-Za-z0-9.-]{1,190}$/;

export function createSmtpMailer(url: string, from: string, opts: { timeoutMs?: number; now?: () => number } = {}): Mailer {
  const target = url ? parseSmtpUrl(url) : null;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const domain = from.split("@")[1] ?? "localhost";

  /**
   * One SMTP session, one mail transaction per message (RFC 5321 §3.3): a batch costs one connection and greeting,
   * not one per mail. A refused message is reset (RSET) and the others still go; a dead connection fails the rest.
   */
  async function sendMany(msgs: readonly MailMessage[]): Promise<(Error | null)[]> {
    if (!target) throw new Error("smtp: no --smtp-url configured");
    const wire = msgs.map((m): string | Error => {
      if (!ADDRESS.test(m.to)) return new Error(`smtp: "${m.to}" is not an address`);
      try {
        return formatMessage(from, m, now(), `${now()}.${Math.random().toString(36).slice(2)}@${domain}`).replace(/\r\n$/, "");
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
    const results: (Error | null)[] = wire.map((w) => (w instanceof Error ? w : null));
    if (wire.every((w) => w instanceof Error)) return results;
    const conn = await open(target, timeoutMs);
    try {
      await conn.expect(220);
      await conn.command(`EHLO ${domain}`, 250);
      if (target.user !== null) await conn.command(`AUTH PLAIN ${Buffer.from(`\0${target.user}\0${target.pass ?? ""}`).toString("base64")}`, 235);
      for (let i = 0; i < msgs.length; i++) {
        const w = wire[i]!;
        if (w instanceof Error) continue;
        try {
          await conn.command(`MAIL FROM:<${from}>`, 250);
          await conn.command(`RCPT TO:<${msgs[i]!.to}>`, 250, 251);
          await conn.command("DATA", 354);
          await conn.command(w, 250);
        } catch (err) {
          results[i] = err instanceof Error ? err : new Error(String(err));
          const alive = await conn.command("RSET", 250).then(() => true, () => false);
          if (!alive) {
            for (let j = i + 1; j < msgs.length; j++) results[j] ??= results[i]!;
            return results;
          }
        }
      }
      await conn.command("QUIT", 221).catch(() => {});
    } finally {
      conn.close();
    }
    return results;
  }

  return {
    enabled: target !== null,
    sendMany,
    async send(msg) {
      const [err] = await sendMany([msg]);
      if (err) throw err;
    },
  };
}

interface Conn {
  expect(...codes: number[]): Promise<string>;
  command(line: string, ...codes: number[]): Promise<string>;
  close(): void;
}

function open(t: SmtpTarget, timeoutMs: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const sock: Socket = t.tls ? tlsConnect({ host: t.host, port: t.port, servername: t.host }) : tcpConnect({ host: t.host, port: t.port });
    sock.setTimeout(timeoutMs);
    let buf = "";
    let waiter: { resolve(s: string): void; reject(e: Error): void } | null = null;
    let failure: Error | null = null;
    const fail = (e: Error) => {
      failure = e;
      waiter?.reject(e);
      waiter = null;
    };
    /** A whole reply: lines "250-…" continue, "250 …" ends. */
    const takeReply = (): string | null => {
      const lines = buf.split("\r\n");
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!) || /^\d{3}$/.test(lines[i]!)) {
          const reply = lines.slice(0, i + 1).join("\n");
          buf = lines.slice(i + 1).join("\r\n");
          return reply;
        }
      }
      return null;
    };
    const pump = () => {
      if (!waiter) return;
      const r = takeReply();
      if (r !== null) {
        const w = waiter;
        waiter = null;
        w.resolve(r);
      }
    };
    sock.setEncoding("utf8");
    sock.on("data", (d: string) => {
      buf += d;
      pump();
    });
    sock.on("timeout", () => {
      fail(new Error("smtp: the server did not answer in time"));
      sock.destroy();
    });
    sock.on("error", (e) => fail(new Error(`smtp: ${e.message}`)));
    sock.on("close", () => fail(new Error("smtp: connection closed")));
    const read = (): Promise<string> =>
      new Promise((res, rej) => {
        if (failure) return rej(failure);
        waiter = { resolve: res, reject: rej };
        pump();
      });
    const expect = async (...codes: number[]) => {
      const reply = await read();
      const code = Number(reply.slice(0, 3));
      if (!codes.includes(code)) throw new Error(`smtp: expected ${codes.join("/")}, got "${reply.split("\n").pop()}"`);
      return reply;
    };
    sock.once(t.tls ? "secureConnect" : "connect", () =>
      resolve({
        expect,
        command(line, ...codes) {
          sock.write(line + "\r\n");
          return expect(...codes);
        },
        close: () => sock.destroy(),
      }),
    );
    sock.once("error", (e) => reject(new Error(`smtp: cannot connect to ${t.host}:${t.port}: ${e.message}`)));
  });
}
