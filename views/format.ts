// How views show times: UTC, to the minute (the server does not know the viewer's zone).
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
