// `livehouse healthcheck`: the container HEALTHCHECK without curl or Node in the image. Asks this host's
// /healthz on the configured HTTP port; exit 0 when it answers 200 within the timeout, 1 otherwise.
import { loadConfig } from "../config";

const TIMEOUT_MS = 3_000;

export async function healthcheck(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  const config = loadConfig(argv, env);
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.httpPort}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.status === 200) {
      console.log(JSON.stringify(await res.json()));
      return 0;
    }
    console.error(`livehouse: healthcheck: ${url} answered ${res.status}`);
  } catch (err) {
    console.error(`livehouse: healthcheck: ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return 1;
}
