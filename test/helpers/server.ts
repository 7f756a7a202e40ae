import { resolve } from 'node:path';
import { loadConfig, type ConfigEnv } from '../../inference/src/config';
import { startServer, type RunningServer } from '../../inference/src/server';

export const TINY_MODEL = resolve(__dirname, '..', '..', 'inference', 'models', 'tiny');

/**
 * The real server on ephemeral loopback ports with the tiny model, loaded and warmed up.
 * `env` overrides any setting (names as in inference/src/config.ts).
 */
export async function startTestServer(env: ConfigEnv = {}): Promise<RunningServer> {
  const config = loadConfig(
    {},
    {
      MODEL: TINY_MODEL,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      HF_HUB_OFFLINE: 'true',
      ...env,
    },
  );
  const server = await startServer(config, { logger: false });
  await server.loaded;
  if (!server.lifecycle.ready) {
    await server.close();
    throw new Error(`test server failed to start: ${server.lifecycle.setup.logs}`);
  }
  return server;
}
