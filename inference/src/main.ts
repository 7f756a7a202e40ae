import { terminalProgress } from './cli/progress';
import { loadConfig, type ConfigEnv } from './config';
import { startServer } from './server';
import { drain } from './shutdown';

/**
 * Runs the server until SIGTERM/SIGINT, then drains (see shutdown.ts) and exits 0; a second
 * signal, or the end of SHUTDOWN_GRACE_SECONDS with work still in flight, exits 1 at once.
 */
export async function serve(overrides: ConfigEnv = {}): Promise<void> {
  const config = loadConfig(process.env, overrides);
  const server = await startServer(config, {
    logger: { level: config.logLevel },
    onProgress: terminalProgress('loading model'),
  });
  const log = server.app.log;
  log.info(`listening on ${server.url} (metrics on ${server.metricsUrl}/metrics)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: draining for up to ${config.shutdownGraceSeconds} s`);
    const finished = await drain(server, { graceSeconds: config.shutdownGraceSeconds });
    if (!finished) log.warn('grace period over with work still in flight: exiting');
    await server.close().catch((error: Error) => log.error(`close failed: ${error.message}`));
    process.exit(finished ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (require.main === module) {
  serve().catch((error: Error) => {
    console.error(`llm-deploy: ${error.message}`);
    process.exit(1);
  });
}
