// Graceful stop on SIGTERM/SIGINT (a container `stop`): stop accepting, give in-flight requests a moment to
// finish, end broadcasts into replays and close the database (services stop in reverse order), all within a
// bound. A second signal, or the bound running out, exits at once: an operator who presses Ctrl-C twice means it.
export interface Stoppable {
  /** Stop accepting; resolves when in-flight requests are done (force: drop them). */
  stopHttp(force: boolean): Promise<void>;
  /** Stops the services and closes the database. */
  stopApp(): Promise<void>;
}

export interface ShutdownOptions {
  /** How long in-flight requests may take before their connections are dropped. */
  drainMs: number;
  /** The whole stop, after which the process exits regardless. */
  boundMs: number;
  log: (msg: string) => void;
  exit: (code: number) => void;
}

/** Exit codes: 0 clean, 1 the bound ran out or a step failed, 130 a second signal. */
export function installShutdown(target: Stoppable, opts: ShutdownOptions, signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"]): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  const shutdown = (sig: string): Promise<void> => {
    if (stopping) {
      opts.log(`${sig} again: exiting now`);
      opts.exit(130);
      return stopping;
    }
    opts.log(`${sig}: stopping (up to ${Math.round(opts.boundMs / 1000)} s; send it again to exit now)`);
    const started = performance.now();
    const bound = setTimeout(() => {
      opts.log(`shutdown: still busy after ${opts.boundMs} ms, exiting`);
      opts.exit(1);
    }, opts.boundMs);
    stopping = (async () => {
      let code = 0;
      try {
        const drained = target.stopHttp(false).then(() => true);
        const late = await Promise.race([drained, Bun.sleep(opts.drainMs).then(() => false)]);
        if (!late) await target.stopHttp(true);
        await target.stopApp();
        opts.log(`shutdown: done in ${Math.round(performance.now() - started)} ms`);
      } catch (err) {
        code = 1;
        opts.log(`shutdown: ${err instanceof Error ? err.message : String(err)}`);
      }
      clearTimeout(bound);
      opts.exit(code);
    })();
    return stopping;
  };
  for (const sig of signals) process.on(sig, () => void shutdown(sig));
  return () => shutdown("stop");
}
