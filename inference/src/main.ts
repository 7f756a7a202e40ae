import { terminalProgress } from './cli/progress';
import { loadConfig, type ConfigEnv } from './config';
import { startServer } from './server';
import { drain } from './shutdown';

/**
 * Runs the server until SIGTERM/SIGINT or Cog's POST /shutdown, then drains (see shutdown.ts) and
 * exits 0; a second signal, or the end of SHUTDOWN_GRACE_SECONDS with work still in flight, exits
 * 1 at once.
 */
export async function serve(overrides: ConfigEnv = {}): Promise<void> {
  const config = loadConfig(process.env, overrides);
  const server = await startServer(config, {
    logger: { level: config.logLevel },
    onProgress: terminalProgress('loading model'),
  });
  const log = server.app.log;
  const bound = config.host === '127.0.0.1' ? '' : `, bound to ${config.host}`;
  log.info(`listening on ${server.url} (metrics on ${server.metricsUrl}/metrics${bound})`);
  let stopping = false;
  /** Starts the one drain; false if it is already under way. */
  const stop = (why: string): boolean => {
    if (stopping) return false;
    stopping = true;
    log.info(`${why}: draining for up to ${config.shutdownGraceSeconds} s`);
    void (async () => {
      const finished = await drain(server, { graceSeconds: config.shutdownGraceSeconds });
      if (!finished) log.warn('grace period over with work still in flight: exiting');
      await server.close().catch((error: Error) => log.error(`close failed: ${error.message}`));
      process.exit(finished ? 0 : 1);
    })();
    return true;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stop(signal)) return;
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    });
  }
  server.lifecycle.onDrain(() => stop('shutdown requested'));
}

if (require.main === module) {
  serve().catch((error: Error) => {
    console.error(`llm-deploy: ${error.message}`);
    process.exit(1);
  });
}
