import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Metrics } from './api/metrics/metrics';
import { startMetricsServer } from './api/metrics/server';
import { createApp } from './app';
import type { ServerConfig } from './config';
import { TransformersBackend, type LoadProgress } from './engine';
import { Lifecycle } from './lifecycle';
import { ApiKeys } from './http/api-keys';
import type { RouteAccess } from './http/auth';
import { RateLimiter } from './http/rate-limit';
import { currentAccount, currentRequestId } from './http/request-context';
import {
  disclosureLine,
  loadBlockList,
  loadModeration,
  type DecisionListener,
  type LoadedModeration,
} from './safety';
import { combineObservers, Scheduler, type SchedulerObserver } from './scheduler';
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
          device: config.device,
          dtype: config.dtype,
        },
        1,
      );
    },
    loadModeration: () =>
      loadModeration(config.moderation, blockList, config.hub, moderationListener(metrics, app)),
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

interface ModelSetup {
  observers: SchedulerObserver[];
  onLoaded: (backend: TransformersBackend) => void;
  /** The moderation filters, loaded once the model is (a classifier model takes a while too). */
  loadModeration: () => Promise<LoadedModeration>;
  onProgress?: (progress: LoadProgress) => void;
}

/** Resolves with the moderation filters to dispose at close (undefined if setup failed). */
async function loadModel(
  config: ServerConfig,
  lifecycle: Lifecycle,
  app: FastifyInstance,
  { observers, onLoaded, loadModeration, onProgress }: ModelSetup,
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
      onProgress,
    });
    onLoaded(backend);
    // Warm up unobserved, so the metrics count only what clients asked for.
    const warmupSeconds = await warmUp(new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 }));
    moderation = await loadModeration();
    const scheduler = new Scheduler(backend, {
      maxConcurrent: config.limits.maxConcurrent,
      maxQueue: config.limits.maxQueue,
      maxPromptTokens: config.maxPromptTokens,
      timeoutSeconds: config.requestTimeoutSeconds,
      observer: combineObservers(
        config.logPrompts ? [...observers, promptLogObserver(app.log)] : observers,
      ),
      captureText: config.logPrompts,
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
