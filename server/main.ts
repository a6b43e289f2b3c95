// CLI entry: `serve` (default) or an admin subcommand. Admin subcommands print JSON on stdout, errors on stderr
// with a non-zero exit, and open the same SQLite file (WAL lets them run beside a live server).
import { ConfigError, baseUrl, loadConfig, rtmpServerUrl } from "./config";
import { createApp, openDatabase } from "./app";
import { UsageError } from "./cli/args";
import { CommandError } from "./cli/command";
import { COMMANDS } from "./cli/commands";
import { checkDataDir, checkPortFree } from "./cli/preflight";

function usage(): string {
  return ["usage: livehouse <command>", "  serve [--http-port P] [--rtmp-port R] [--data-dir D] [--public-url U]", ...COMMANDS.map((c) => "  " + c.usage)].join("\n");
}

async function serve(argv: readonly string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  checkDataDir(config.dataDir);
  if (config.httpPort === config.rtmpPort) throw new ConfigError(`--rtmp-port: ${config.rtmpPort} is the same as --http-port`);
  await checkPortFree(config.httpPort, config.host, "--http-port");
  await checkPortFree(config.rtmpPort, config.host, "--rtmp-port");
  const started = performance.now();
  const lh = await createApp(config);
  await lh.start();
  const server = lh.app.listen({ port: config.httpPort, hostname: config.host });
  const url = baseUrl(config);
  console.log(`Livehouse is running (${Math.round(performance.now() - started)} ms)`);
  console.log(`  web:   ${url}/`);
  console.log(`  OBS:   server ${rtmpServerUrl(config)}  (stream key: Studio → your room)`);
  console.log(`  data:  ${config.dataDir}`);
  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${sig}: stopping`);
    // Close room-page and overlay sockets with a reconnect code (Bun's stop waits for open sockets), stop
    // accepting and drop lingering keep-alive connections, then end ffmpeg and close the database.
    lh.beforeStop();
    await server.stop(true);
    await lh.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

async function runCommand(argv: readonly string[]): Promise<void> {
  const two = argv.slice(0, 2).join(" ");
  const cmd = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === argv[0]);
  if (!cmd) {
    const words = argv.slice(0, 2).filter((a) => !a.startsWith("--")).join(" ");
    throw new UsageError(`unknown command "${words}"\n${usage()}`);
  }
  const rest = argv.slice(cmd.name.split(" ").length);
  const config = loadConfig(rest, process.env);
  checkDataDir(config.dataDir);
  const { db, moneyDb } = openDatabase(config);
  try {
    const result = await cmd.run(rest, { config, db, moneyDb });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    moneyDb.close();
    db.close();
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === "--help" || argv[0] === "help") {
      console.log(usage());
      return 0;
    }
    if (argv.length === 0 || argv[0] === "serve" || argv[0]!.startsWith("--")) {
      await serve(argv[0] === "serve" ? argv.slice(1) : argv);
      return -1; // keeps running
    }
    await runCommand(argv);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof CommandError) {
      console.error(`livehouse: ${err.message}`);
      return err instanceof UsageError ? 2 : 1;
    }
    console.error(`livehouse: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
