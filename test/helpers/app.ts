// An in-process app on a fresh data directory, for route tests through app.handle (no port opened).
import { loadConfig } from "../../server/config";
import { createApp, type LivehouseApp } from "../../server/app";
import { WebSession } from "./session";
import { tempDataDir } from "./server";

export interface TestApp extends LivehouseApp {
  dataDir: string;
  session(): WebSession;
}

export async function testApp(argv: string[] = [], now?: () => number): Promise<TestApp> {
  const dataDir = tempDataDir("lh-app-");
  const config = loadConfig(["--data-dir", dataDir, ...argv], {});
  const lh = await createApp(config, { now, log: () => {} });
  return { ...lh, dataDir, session: () => new WebSession("http://localhost", (req) => lh.app.handle(req)) };
}
