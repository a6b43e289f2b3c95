// Start-up checks that must fail with one clear line naming the setting, before anything listens.
import { accessSync, constants, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { ConfigError } from "../config";

export function checkDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new ConfigError(`--data-dir: ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Resolves when the port can be bound; node-media-server would process.exit() on a taken port instead. */
export function checkPortFree(port: number, host: string, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (err: NodeJS.ErrnoException) => {
      reject(new ConfigError(`${setting}: port ${port} is ${err.code === "EADDRINUSE" ? "already in use" : `unavailable (${err.code})`}`));
    });
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}
