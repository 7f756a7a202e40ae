import { loadConfig, type ConfigEnv } from '../../inference/src/config';
import { startServer, type RunningServer } from '../../inference/src/server';
import { drain } from '../../inference/src/shutdown';
import { TINY_MODEL } from './model-paths';

/**
 * An llm-deploy server on the tiny model to stand upstream of a gateway. It moderates nothing and
 * has room for every request a gateway lets through, so what a suite sees is the gateway's.
 */
export async function startUpstreamServer(env: ConfigEnv = {}): Promise<RunningServer> {
  const upstream = await startServer(
    loadConfig(
      {},
      {
        ENGINE: 'onnx',
        MODEL: TINY_MODEL,
        HOST: '127.0.0.1',
        PORT: '0',
        METRICS_PORT: '0',
        HF_HUB_OFFLINE: 'true',
        MODERATION: 'off',
        MAX_CONCURRENT: '16',
        MAX_QUEUE: '64',
        ...env,
      },
    ),
    { logger: false },
  );
  await upstream.loaded;
  if (!upstream.lifecycle.ready) {
    await upstream.close();
    throw new Error(`upstream server failed to start: ${upstream.lifecycle.setup.logs}`);
  }
  return upstream;
}

/** Generations a gateway gave up on stop at their next token: let them, then unload. */
export async function closeUpstreamServer(upstream: RunningServer): Promise<void> {
  await drain(upstream, { graceSeconds: 10 });
  await upstream.close();
}

/**
 * Our server as a gateway to `upstreamUrl` on ephemeral ports, with `env` on top; resolves once
 * its setup ended (ready, or failed: see lifecycle).
 */
export async function startGateway(
  upstreamUrl: string,
  env: ConfigEnv = {},
  logger: boolean | object = false,
): Promise<RunningServer> {
  const gateway = await startServer(
    loadConfig(
      {},
      {
        ENGINE: 'openai-upstream',
        UPSTREAM_URL: upstreamUrl,
        HOST: '127.0.0.1',
        PORT: '0',
        METRICS_PORT: '0',
        HF_HUB_OFFLINE: 'true',
        ...env,
      },
    ),
    { logger },
  );
  await gateway.loaded;
  return gateway;
}
