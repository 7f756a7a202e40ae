import type { FastifyInstance } from 'fastify';
import { createApp } from './app';
import type { ServerConfig } from './config';
import { TransformersBackend, type LoadProgress } from './engine';
import { Lifecycle } from './lifecycle';
import { Scheduler } from './scheduler';

export interface RunningServer {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Settles when the model is loaded and warmed up (or failed: see lifecycle.state). */
  loaded: Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: boolean | object;
  onProgress?: (progress: LoadProgress) => void;
}

/**
 * Listens first, then loads the model: probes answer during a long load (/healthz 200, /readyz
 * 503), and Cog's /health-check reports STARTING with the setup timestamps.
 */
export async function startServer(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const lifecycle = new Lifecycle();
  const app = await createApp({ config, lifecycle, logger: options.logger });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const loaded = loadModel(config, lifecycle, app, options.onProgress);
  return {
    app,
    lifecycle,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    loaded,
    close: async () => {
      await app.close();
      await loaded;
      await lifecycle.scheduler?.backend.dispose();
    },
  };
}

async function loadModel(
  config: ServerConfig,
  lifecycle: Lifecycle,
  app: FastifyInstance,
  onProgress?: (progress: LoadProgress) => void,
): Promise<void> {
  try {
    app.log.info(
      { model: config.model, device: config.device, dtype: config.dtype },
      'loading model',
    );
    const backend = await TransformersBackend.load({
      model: config.model,
      revision: config.revision,
      device: config.device,
      dtype: config.dtype,
      hub: config.hub,
      onProgress,
    });
    const scheduler = new Scheduler(backend, {
      maxConcurrent: config.limits.maxConcurrent,
      maxQueue: config.limits.maxQueue,
    });
    const warmupSeconds = await warmUp(scheduler);
    const logs = `loaded ${config.model} (${config.device}/${config.dtype}) in ${backend.info.loadSeconds.toFixed(2)} s; warm-up ${warmupSeconds.toFixed(2)} s`;
    lifecycle.markReady(scheduler, logs);
    app.log.info({ loadSeconds: backend.info.loadSeconds, warmupSeconds }, 'model ready');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    lifecycle.markFailed(message);
    app.log.error({ model: config.model }, `model setup failed: ${message}`);
  }
}

/** One short greedy generation, so the first real request does not pay for lazy initialisation. */
async function warmUp(scheduler: Scheduler): Promise<number> {
  const started = performance.now();
  const { events } = scheduler.submit({
    prompt: { kind: 'text', text: 'Hello' },
    maxNewTokens: 2,
    temperature: 0,
    topP: 1,
    topK: 0,
    repetitionPenalty: 1,
    seed: 0,
    stop: [],
  });
  for await (const event of events) void event;
  return (performance.now() - started) / 1000;
}
