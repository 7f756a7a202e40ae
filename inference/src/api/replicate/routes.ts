import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors';
import { currentAccount } from '../../http/request-context';
import { routeConfig } from '../../http/route-config';
import { parseBody, parseWebhook, preferences, type PredictionRouteDeps } from '../predictions';
import { allowEmptyJsonBodies } from '../predictions/empty-body';
import {
  replicateCreateSchema,
  requestBaseUrl,
  toReplicatePrediction,
  type ReplicatePage,
  type ReplicatePrediction,
} from './protocol';
import { registerReplicateResources } from './resources';
import { parseLastEventId, streamReplicatePrediction } from './stream';

const replicate = routeConfig({ protocol: 'replicate', access: 'key' });
const generates = routeConfig({ protocol: 'replicate', access: 'key', generates: true });

type IdParams = { Params: { id: string } };
type ModelParams = { Params: { owner: string; name: string } };

/** The longest `Prefer: wait=N` Replicate honours, and what a bare `wait` means. */
const MAX_WAIT_SECONDS = 60;
/** How long a cancel waits for the generation to stop (it does within one token). */
const CANCEL_WAIT_MS = 5000;

/** Replicate's HTTP API, as the official clients call it (base URL `<server>/v1`). */
export function registerReplicateRoutes(app: FastifyInstance, deps: PredictionRouteDeps): void {
  void app.register(async (scope) => {
    allowEmptyJsonBodies(scope);
    scope.post('/v1/predictions', generates, (request, reply) =>
      create(deps, request, reply, { requireVersion: true }),
    );
    scope.post<ModelParams>('/v1/models/:owner/:name/predictions', generates, (request, reply) =>
      create(deps, request, reply, { model: `${request.params.owner}/${request.params.name}` }),
    );
    scope.post<ModelParams>(
      '/v1/deployments/:owner/:name/predictions',
      generates,
      (request, reply) => create(deps, request, reply, {}),
    );
    scope.get<{ Querystring: { cursor?: string } }>(
      '/v1/predictions',
      replicate,
      async (request) => {
        const base = requestBaseUrl(request);
        const page = deps.predictions.page(currentAccount(), request.query.cursor);
        const link = (cursor: string | null) =>
          cursor === null ? null : `${base}/v1/predictions?cursor=${encodeURIComponent(cursor)}`;
        const body: ReplicatePage = {
          next: link(page.next),
          previous: link(page.previous),
          results: page.results.map((p) => toReplicatePrediction(p, base)),
        };
        return body;
      },
    );
    scope.get<IdParams>('/v1/predictions/:id', replicate, async (request) =>
      toReplicatePrediction(
        deps.predictions.get(request.params.id, currentAccount()),
        requestBaseUrl(request),
      ),
    );
    scope.post<IdParams>('/v1/predictions/:id/cancel', replicate, async (request) => {
      const prediction = await deps.predictions.cancel(
        request.params.id,
        currentAccount(),
        CANCEL_WAIT_MS,
      );
      return toReplicatePrediction(prediction, requestBaseUrl(request));
    });
    registerReplicateResources(scope, deps);
    scope.get<IdParams>('/v1/predictions/:id/stream', replicate, async (request, reply) => {
      const prediction = deps.predictions.get(request.params.id, currentAccount());
      const after = parseLastEventId(request.headers['last-event-id']);
      await streamReplicatePrediction(reply, prediction, after);
    });
  });
}

/** Creates a prediction: 201 at once, or once done (or N s) with `Prefer: wait[=N]`. */
async function create(
  deps: PredictionRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  route: { model?: string; requireVersion?: boolean },
): Promise<ReplicatePrediction> {
  const body = parseBody(replicateCreateSchema, request.body);
  if (route.requireVersion && body.version === undefined) {
    throw new ValidationError(
      'version is required here; or POST /v1/models/{owner}/{name}/predictions without one',
      'version',
    );
  }
  const waitSeconds = preferredWait(request.headers.prefer);
  const webhook = parseWebhook(
    body.webhook,
    body.webhook_events_filter,
    deps.config.webhooks.allowPrivate,
  );
  const base = requestBaseUrl(request);
  const { prediction } = await deps.predictions.create({
    owner: currentAccount(),
    input: body.input,
    model: route.model,
    version: body.version,
    webhook: webhook && { ...webhook, render: (p) => toReplicatePrediction(p, base) },
  });
  if (waitSeconds !== undefined) await prediction.waitFor(waitSeconds * 1000);
  reply.code(201);
  return toReplicatePrediction(prediction, base);
}

/** Seconds from `Prefer: wait` (60) or `wait=N` (1-60); undefined without it. */
function preferredWait(header: string | string[] | undefined): number | undefined {
  for (const preference of preferences(header)) {
    const match = /^wait(?:\s*=\s*(.*))?$/.exec(preference);
    if (!match) continue;
    if (match[1] === undefined) return MAX_WAIT_SECONDS;
    const seconds = Number(match[1]);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WAIT_SECONDS) {
      throw new ValidationError(
        `Prefer: wait=N takes whole seconds from 1 to ${MAX_WAIT_SECONDS} (got ${JSON.stringify(match[1])})`,
        'Prefer',
      );
    }
    return seconds;
  }
  return undefined;
}
