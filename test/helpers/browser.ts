// Debian's Chromium driven by playwright-core (the launch flags below are the ones that work here as root).
import { afterAll, beforeAll } from "bun:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { removeDir, startServer, type RunningServer } from "./server";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/**
 * Records every alert/prompt a page opens (an XSS that ran would show up here) and accepts confirms, which our
 * own pages use (e.g. "rotate the key?").
 */
export function recordDialogs(page: Page, into: string[]): void {
  page.on("dialog", async (d) => {
    if (d.type() === "confirm") return d.accept();
    into.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
}

export interface BrowserSuite {
  server: RunningServer;
  browser: Browser;
}

/**
 * One real server and one Chromium for a test file: started before its tests, stopped (and the data dir
 * removed) after them. The returned object's fields are filled in by the time the tests run.
 */
export function serverAndBrowser(opts: Parameters<typeof startServer>[0] = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    suite.server = await startServer(opts);
    suite.browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
    if (suite.server) removeDir(suite.server.dataDir);
  }, 60_000);
  return suite;
}
