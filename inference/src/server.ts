import type { FastifyInstance } from 'fastify';
import { Metrics } from './api/metrics/metrics';
import { startMetricsServer } from './api/metrics/server';
import { createApp } from './app';
import type { ServerConfig } from './config';
import { TransformersBackend, type LoadProgress } from './engine';
import { Lifecycle } from './lifecycle';
import { Scheduler } from './scheduler';
import {
  disclosureLine,
  loadBlockList,
  loadModeration,
  type BlockList,
  type DecisionListener,
  type LoadedModeration,
} from './safety';
import { SERVER_VERSION } from './version';

export interface RunningServer {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** Base URL of the metrics port, e.g. http://127.0.0.1:9090 */
  metricsUrl: string;
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
  // A bad policy file stops the server here, before it listens.
  const blockList = loadBlockList(config.moderation);
  const lifecycle = new Lifecycle();
  const metrics = new Metrics({
    running: () => lifecycle.scheduler?.running ?? 0,
    waiting: () => lifecycle.scheduler?.waiting ?? 0,
  });
  const app = await createApp({ config, lifecycle, metrics, logger: options.logger });
  await app.listen({ host: config.host, port: config.port });
  const metricsApp = await startMetricsServer(metrics, config.host, config.metricsPort);
  const setup = loadModel(config, lifecycle, metrics, app, {
    blockList,
    onProgress: options.onProgress,
  });
  const loaded = setup.then(() => undefined);
  return {
    app,
    lifecycle,
    metrics,
    url: baseUrl(app, config.host),
    metricsUrl: baseUrl(metricsApp, config.host),
    loaded,
    close: async () => {
      await Promise.all([app.close(), metricsApp.close()]);
      const moderation = await setup;
      await lifecycle.scheduler?.backend.dispose();
      await moderation?.dispose();
    },
  };
}

function baseUrl(app: FastifyInstance, bound: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function loadModel(
  config: ServerConfig,
  lifecycle: Lifecycle,
  metrics: Metrics,
  app: FastifyInstance,
  extra: { blockList?: BlockList; onProgress?: (progress: LoadProgress) => void },
): Promise<LoadedModeration | undefined> {
  let moderation: LoadedModeration | undefined;
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
      onProgress: extra.onProgress,
    });
    recordModelInfo(metrics, config, backend.info.loadSeconds);
    // Warm up unobserved, so the metrics count only what clients asked for.
    const warmupSeconds = await warmUp(new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 }));
    moderation = await loadModeration(
      config.moderation,
      extra.blockList,
      config.hub,
      moderationListener(metrics, app),
    );
    const scheduler = new Scheduler(backend, {
      maxConcurrent: config.limits.maxConcurrent,
      maxQueue: config.limits.maxQueue,
      observer: metrics.schedulerObserver(),
      guard: moderation.moderator,
      preamble: disclosureLine(config.disclosureText),
    });
    const logs = `loaded ${config.model} (${config.device}/${config.dtype}) in ${backend.info.loadSeconds.toFixed(2)} s; warm-up ${warmupSeconds.toFixed(2)} s`;
    lifecycle.markReady(scheduler, logs);
    app.log.info({ loadSeconds: backend.info.loadSeconds, warmupSeconds }, 'model ready');
    return moderation;
  } catch (error) {
    await moderation?.dispose();
    const message = error instanceof Error ? error.message : String(error);
    lifecycle.markFailed(message);
    app.log.error({ model: config.model }, `model setup failed: ${message}`);
  }
}

function recordModelInfo(metrics: Metrics, config: ServerConfig, loadSeconds: number): void {
  metrics.modelLoadSeconds.set(loadSeconds);
  metrics.buildInfo.set(
    {
      version: SERVER_VERSION,
      node_version: process.version,
      model: config.servedModelName,
      device: config.device,
      dtype: config.dtype,
    },
    1,
  );
}

/** Counts every decision; logs blocks by category and direction, never the text. */
function moderationListener(metrics: Metrics, app: FastifyInstance): DecisionListener {
  return (direction, decision, category) => {
    metrics.countModeration(direction, decision, category);
    if (decision === 'blocked') app.log.info({ direction, category }, 'content filtered');
  };
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
