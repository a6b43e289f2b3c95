// The one log sink. Everything we log may carry text from outside (RTMP app names, URLs, error messages that
// quote input), so every line is escaped before it is written: a control character can neither forge a log line
// (\n, \r) nor drive the operator's terminal (ESC sequences). One event stays one line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function escapeForLog(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export type Log = (msg: string) => void;

/** Wraps a sink (console by default, with a UTC timestamp) so that every message it receives is escaped. */
export function createLog(sink: Log = (line) => console.log(`${new Date().toISOString()} ${line}`)): Log {
  return (msg) => sink(escapeForLog(msg));
}
