import { loadConfig, type ConfigEnv } from '../../inference/src/config';
import { startServer, type RunningServer } from '../../inference/src/server';
import { setUpEngine } from './engines';

export { TINY_MODEL } from './model-paths';

/**
 * The real server on ephemeral loopback ports with the tiny model on the engine under test
 * (TEST_ENGINE), loaded and warmed up. `env` overrides any setting (names as in
 * inference/src/config.ts); closing the server stops whatever the engine needed.
 */
export async function startTestServer(env: ConfigEnv = {}): Promise<RunningServer> {
  const engine = await setUpEngine();
  const config = loadConfig(
    {},
    {
      ...engine.env,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      HF_HUB_OFFLINE: 'true',
      ...env,
    },
  );
  const server = await startServer(config, { logger: false });
  const close = server.close;
  server.close = async () => {
    await close();
    await engine.close();
  };
  await server.loaded;
  if (!server.lifecycle.ready) {
    await server.close();
    throw new Error(`test server failed to start: ${server.lifecycle.setup.logs}`);
  }
  const running = server.lifecycle.scheduler?.backend.info.engine;
  if (!env.ENGINE && !env.MODEL && running !== engine.serverEngine) {
    await server.close();
    throw new Error(
      `test server runs the ${running} engine, not ${engine.serverEngine} (TEST_ENGINE=${engine.engine})`,
    );
  }
  return server;
}
