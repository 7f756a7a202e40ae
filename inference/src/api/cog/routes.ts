import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors';
import { abortOnDisconnect } from '../../http/client-abort';
import { currentAccount } from '../../http/request-context';
import { routeConfig } from '../../http/route-config';
import {
  acceptsEventStream,
  checkClientPredictionId,
  cogOpenApi,
  parseBody,
  parseWebhook,
  preferences,
  type PredictionRouteDeps,
} from '../predictions';
import { allowEmptyJsonBodies } from '../predictions/empty-body';
import {
  cogDiscovery,
  cogPredictionRequestSchema,
  toCogHealth,
  toCogPrediction,
  type CogPrediction,
} from './protocol';
import { streamCogPrediction } from './stream';

// Only the health check is public (README, "Auth and limits"); the schema and routes need a key.
const cogPublic = routeConfig({ protocol: 'cog', access: 'public' });
const cog = routeConfig({ protocol: 'cog', access: 'key' });
const cogGenerates = routeConfig({ protocol: 'cog', access: 'key', generates: true });

type IdParams = { Params: { prediction_id: string } };

/** Cog's prediction server: discovery, health, schema, predictions (sync, async, SSE), cancel. */
/** Answers `GET /` for a browser (the playground), or returns undefined to serve Cog's JSON. */
export type BrowserPage = (
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | undefined;

export function registerCogRoutes(
  app: FastifyInstance,
  deps: PredictionRouteDeps,
  browserPage?: BrowserPage,
): void {
  void app.register(async (scope) => {
    allowEmptyJsonBodies(scope);
    const openApi = cogOpenApi({
      maxNewTokens: deps.config.limits.maxNewTokens,
      modelName: deps.config.servedModelName,
    });
    // Public: the discovery document holds only URLs (and browsers get the playground page here).
    scope.get(
      '/',
      cogPublic,
      async (request, reply) =>
        browserPage?.(request, reply) ?? cogDiscovery(deps.config.playground),
    );
    scope.get('/health-check', cogPublic, async () => toCogHealth(deps.lifecycle));
    // Public as Cog serves it: the input schema only, and /docs must load it without a key.
    scope.get('/openapi.json', cogPublic, async () => openApi);
    scope.post('/predictions', cogGenerates, (request, reply) => predict(deps, request, reply));
    scope.put<IdParams>('/predictions/:prediction_id', cogGenerates, (request, reply) =>
      predict(deps, request, reply, request.params.prediction_id),
    );
    scope.post<IdParams>('/predictions/:prediction_id/cancel', cog, async (request) => {
      await deps.predictions.cancel(request.params.prediction_id, currentAccount());
      return {};
    });
    scope.post('/shutdown', cog, async (request) => {
      request.log.info('shutdown requested over HTTP');
      deps.lifecycle.startDraining();
      return {};
    });
  });
}

/**
 * One handler for POST /predictions and PUT /predictions/{id}: JSON when done (200), at once with
 * `Prefer: respond-async` (202), or server-sent events with `Accept: text/event-stream`.
 */
async function predict(
  deps: PredictionRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  pathId?: string,
): Promise<CogPrediction | undefined> {
  const body = parseBody(cogPredictionRequestSchema, request.body);
  if (pathId !== undefined) {
    checkClientPredictionId(pathId, 'prediction_id', 'path');
    if (body.id !== undefined && body.id !== pathId) {
      throw new ValidationError(
        `id in the body (${JSON.stringify(body.id)}) must match the prediction id in the URL (${JSON.stringify(pathId)}); omit it or make them equal`,
        'id',
      );
    }
  }
  const id = pathId ?? (body.id === undefined ? undefined : checkClientPredictionId(body.id));
  const webhook = parseWebhook(
    body.webhook,
    body.webhook_events_filter,
    deps.config.webhooks.allowPrivate,
  );
  const { prediction, created } = await deps.predictions
    .create({
      id,
      owner: currentAccount(),
      input: body.input ?? {},
      webhook: webhook && { ...webhook, render: toCogPrediction },
    })
    .catch((error: unknown) => {
      // An id taken by another caller is the URL's, on PUT.
      if (error instanceof ValidationError && error.param === 'id' && pathId !== undefined) {
        const loc = ['path', 'prediction_id'];
        throw new ValidationError(error.message, 'prediction_id', [
          { loc, msg: error.message, type: 'value_error' },
        ]);
      }
      throw error;
    });
  // Nobody could reattach to, or hear the end of, a prediction without an id or webhook.
  const cancelOnDisconnect = created && id === undefined && webhook === undefined;
  if (acceptsEventStream(request.headers.accept)) {
    await streamCogPrediction(reply, prediction, cancelOnDisconnect);
    return undefined;
  }
  if (preferences(request.headers.prefer).includes('respond-async')) {
    reply.code(202);
    return toCogPrediction(prediction);
  }
  if (cancelOnDisconnect) {
    abortOnDisconnect(reply).addEventListener('abort', () => prediction.requestCancel());
  }
  await prediction.whenDone();
  return toCogPrediction(prediction);
}
