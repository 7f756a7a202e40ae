import { loadConfig, type ConfigEnv } from './config';
import { startServer } from './server';
import { terminalProgress } from './cli/progress';

/**
 * Runs the server until SIGTERM/SIGINT: readiness drops at once, in-flight requests finish within
 * SHUTDOWN_GRACE_SECONDS, then the process exits 0. A second signal exits at once.
 */
export async function serve(overrides: ConfigEnv = {}): Promise<void> {
  const config = loadConfig(process.env, overrides);
  const server = await startServer(config, {
    logger: { level: config.logLevel },
    onProgress: terminalProgress('loading model'),
  });
  server.app.log.info(`listening on ${server.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      server.app.log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    server.app.log.info(`${signal}: draining for up to ${config.shutdownGraceSeconds} s`);
    server.lifecycle.startDraining();
    const deadline = setTimeout(() => {
      server.app.log.warn('grace period over: exiting');
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000);
    deadline.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  serve().catch((error: Error) => {
    console.error(`llm-deploy: ${error.message}`);
    process.exit(1);
  });
}
