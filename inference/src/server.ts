import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Metrics } from './api/metrics/metrics';
import { startMetricsServer } from './api/metrics/server';
import { createApp } from './app';
import type { ServerConfig } from './config';
import { assembleEngine, type AssembledEngine } from './assembly';
import type { Backend, LoadProgress } from './engine';
import { Lifecycle } from './lifecycle';
import { ApiKeys } from './http/api-keys';
import type { RouteAccess } from './http/auth';
import { RateLimiter } from './http/rate-limit';
import { currentAccount, currentRequestId } from './http/request-context';
import { loadBlockList, type BlockList, type DecisionListener } from './safety';
import type { SchedulerObserver } from './scheduler';
import { SERVER_VERSION } from './version';

export interface RunningServer {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** Requests being answered now, streams included. */
  inFlight: () => number;
  /** Every route the router knows, with its access decision. */
  routes: RouteAccess[];
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
    engine: () => lifecycle.scheduler?.backend.status?.(),
  });
  const apiKeys = new ApiKeys(config.auth.keys, config.auth.keysFile);
  const rateLimiter = new RateLimiter(
    config.rateLimit.requestsPerMinute,
    config.rateLimit.tokensPerMinute,
  );
  const { app, inFlight, routes } = await createApp({
    config,
    lifecycle,
    metrics,
    apiKeys,
    rateLimiter,
    logger: options.logger,
  });
  await app.listen({ host: config.host, port: config.port });
  const metricsApp = await startMetricsServer(metrics, config.host, config.metricsPort);
  const setup = loadModel(config, lifecycle, app, {
    observers: [metrics.schedulerObserver(), rateLimitObserver(rateLimiter)],
    onLoaded: (backend) => {
      metrics.modelLoadSeconds.set(backend.info.loadSeconds);
      metrics.buildInfo.set(
        {
          version: SERVER_VERSION,
          node_version: process.version,
          model: config.servedModelName,
          engine: backend.info.engine,
          device: config.device,
          dtype: config.dtype,
        },
        1,
      );
    },
    blockList,
    onDecision: moderationListener(metrics, app),
    onProgress: options.onProgress,
  });
  const loaded = setup.then(() => undefined);
  return {
    app,
    lifecycle,
    metrics,
    inFlight,
    routes,
    url: baseUrl(app, config.host),
    metricsUrl: baseUrl(metricsApp, config.host),
    loaded,
    close: async () => {
      await Promise.all([app.close(), metricsApp.close()]);
      await (await setup)?.dispose();
    },
  };
}

function baseUrl(app: FastifyInstance, bound: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

interface ModelSetup {
  observers: SchedulerObserver[];
  onLoaded: (backend: Backend) => void;
  blockList: BlockList | undefined;
  onDecision: DecisionListener;
  onProgress?: (progress: LoadProgress) => void;
}

/** Resolves with the engine to dispose at close (undefined if setup failed). */
async function loadModel(
  config: ServerConfig,
  lifecycle: Lifecycle,
  app: FastifyInstance,
  { observers, ...options }: ModelSetup,
): Promise<AssembledEngine | undefined> {
  try {
    app.log.info(
      { model: config.model, engine: config.engine, device: config.device, dtype: config.dtype },
      'loading model',
    );
    const engine = await assembleEngine(config, {
      ...options,
      observers: config.logPrompts ? [...observers, promptLogObserver(app.log)] : observers,
    });
    const { backend, warmupSeconds } = engine;
    const logs = `loaded ${config.model} (${config.engine}, ${config.device}/${config.dtype}) in ${backend.info.loadSeconds.toFixed(2)} s; warm-up ${warmupSeconds.toFixed(2)} s`;
    lifecycle.markReady(engine.scheduler, logs);
    app.log.info({ loadSeconds: backend.info.loadSeconds, warmupSeconds }, 'model ready');
    return engine;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    lifecycle.markFailed(message);
    app.log.error({ model: config.model }, `model setup failed: ${message}`);
  }
}

/** Counts every decision; logs blocks by category and direction, never the text. */
function moderationListener(metrics: Metrics, app: FastifyInstance): DecisionListener {
  return (direction, decision, category) => {
    metrics.countModeration(direction, decision, category);
    if (decision === 'blocked') app.log.info({ direction, category }, 'content filtered');
  };
}

/** LOG_PROMPTS=true only: prompts and completions are user data and stay out of logs otherwise. */
function promptLogObserver(log: FastifyBaseLogger): SchedulerObserver {
  return {
    onFinish: (usage, reason, transcript) => {
      if (transcript)
        log.info({ reqId: currentRequestId(), ...transcript, usage, reason }, 'generation');
    },
  };
}

/** Charges each API key for the tokens its generations used. */
function rateLimitObserver(limiter: RateLimiter): SchedulerObserver {
  return {
    onFinish: (usage) =>
      limiter.charge(currentAccount(), usage.promptTokens + usage.completionTokens),
  };
}
