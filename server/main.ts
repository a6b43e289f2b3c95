// CLI entry: `serve` (default) or an admin subcommand. Admin subcommands print JSON on stdout, errors on stderr
// with a non-zero exit, and open the same SQLite file (WAL lets them run beside a live server).
import { ConfigError, baseUrl, loadConfig, parseServeRole, rtmpServerUrl } from "./config";
import { createApp, openDatabase } from "./app";
import { TOP_BODY_LIMIT } from "./http/body-limit";
import { UsageError } from "./cli/args";
import { CommandError } from "./cli/command";
import { COMMANDS } from "./cli/commands";
import { checkDataDir, checkPortFree } from "./cli/preflight";
import { healthcheck } from "./ops/healthcheck";
import { keepFreedMemory } from "./ops/allocator";
import { installShutdown } from "./ops/shutdown";
import { versionLine } from "./version";

function usage(): string {
  return ["usage: livehouse <command>", "  serve [--role all|web] [--redis-url URL] [--http-port P] [--rtmp-port R] [--data-dir D] [--public-url U]", "  healthcheck [--http-port P]", "  --version", ...COMMANDS.map((c) => "  " + c.usage)].join("\n");
}

async function serve(argv: readonly string[]): Promise<void> {
  const config = Object.freeze({ ...loadConfig(argv, process.env), role: parseServeRole(argv, process.env) });
  checkDataDir(config.dataDir);
  const web = config.role === "web";
  if (web && !config.redisUrl) throw new ConfigError("--role web: needs --redis-url (the processes share room events, viewers and rate limits over Redis)");
  if (!web && config.httpPort === config.rtmpPort) throw new ConfigError(`--rtmp-port: ${config.rtmpPort} is the same as --http-port`);
  // Several processes may share one HTTP port (SO_REUSEPORT: the kernel spreads connections); the owner checks it.
  if (!web) await checkPortFree(config.httpPort, config.host, "--http-port");
  if (!web) await checkPortFree(config.rtmpPort, config.host, "--rtmp-port");
  const started = performance.now();
  const lh = await createApp(config);
  await lh.start();
  // The top body limit; per-route limits below it are checked by server/http/body-limit.ts before buffering.
  const server = lh.app.listen({ port: config.httpPort, hostname: config.host, maxRequestBodySize: TOP_BODY_LIMIT, reusePort: config.redisUrl !== "" });
  const url = baseUrl(config);
  console.log(`Livehouse is running (${Math.round(performance.now() - started)} ms)`);
  console.log(`  web:   ${url}/`);
  if (web) console.log(`  role:  web (RTMP ingest, transcoding and schedulers run in the --role all process)`);
  else console.log(`  OBS:   server ${rtmpServerUrl(config)}  (stream key: Studio → your room)`);
  console.log(`  data:  ${config.dataDir}`);
  // Room-page and overlay sockets are closed first with a reconnect code (Bun's stop waits for open sockets). The
  // bound stays under the 10 s docker/podman `stop` waits before SIGKILL.
  installShutdown(
    {
      stopHttp: (force) => {
        lh.beforeStop();
        return server.server?.stop(force) ?? Promise.resolve();
      },
      stopApp: () => lh.stop(),
    },
    { drainMs: 3_000, boundMs: 8_000, log: (m) => console.log(m), exit: (code) => process.exit(code) },
  );
}

async function runCommand(argv: readonly string[]): Promise<void> {
  // The longest name that the arguments start with ("membership tier create" before a shorter one).
  const cmd = [3, 2, 1].map((n) => COMMANDS.find((c) => c.name === argv.slice(0, n).join(" "))).find((c) => c !== undefined);
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

/** `serve` is the default command; a bare option (`--data-dir D`) means serve too. */
function isServe(argv: readonly string[]): boolean {
  return argv.length === 0 || argv[0] === "serve" || (argv[0]!.startsWith("--") && argv[0] !== "--version" && argv[0] !== "--help");
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === "--version" || argv[0] === "version") {
      console.log(versionLine());
      return 0;
    }
    if (argv[0] === "healthcheck") return await healthcheck(argv.slice(1), process.env);
    if (argv[0] === "--help" || argv[0] === "help") {
      console.log(usage());
      return 0;
    }
    if (isServe(argv)) {
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
  if (isServe(process.argv.slice(2))) keepFreedMemory(process.env);
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
