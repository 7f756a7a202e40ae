import type { FastifyInstance } from 'fastify';
import { Forbidden, ModelNotFound } from '../../errors';
import { routeConfig } from '../../http/route-config';
import { cogOpenApi, type PredictionRouteDeps } from '../predictions';
import { requestBaseUrl } from './protocol';

const replicate = routeConfig({ protocol: 'replicate', access: 'key' });
// The same path is OpenAI's retrieve-model for an id with a slash, sent unencoded (curl, some SDKs).
const replicateAndOpenAI = routeConfig({ protocol: 'openai+replicate', access: 'key' });

type ModelParams = { Params: { owner: string; name: string } };

/** Replicate's model and webhook-secret resources. */
export function registerReplicateResources(app: FastifyInstance, deps: PredictionRouteDeps): void {
  const { config, lifecycle } = deps;
  const served = config.servedModelName;
  const openApi = cogOpenApi({ maxNewTokens: config.limits.maxNewTokens, modelName: served });

  // Replicate's model, with OpenAI's model fields beside it (no name is shared): either client
  // reads what it knows. Predictions accept any owner/name; a model is found only by its own.
  app.get<ModelParams>('/v1/models/:owner/:name', replicateAndOpenAI, async (request) => {
    const { owner, name } = request.params;
    const id = `${owner}/${name}`;
    if (id !== served) {
      throw new ModelNotFound(
        `The model \`${id}\` does not exist; this endpoint serves \`${served}\``,
        'model',
      );
    }
    const startedAt = lifecycle.setup.startedAt;
    return {
      url: `${requestBaseUrl(request)}/v1/models/${owner}/${name}`,
      owner,
      name,
      description: `${served}, served by llm-deploy`,
      visibility: 'private',
      is_official: false,
      run_count: 0,
      latest_version: {
        id: deps.predictions.modelVersion,
        created_at: startedAt.toISOString(),
        cog_version: null,
        openapi_schema: openApi,
      },
      id,
      object: 'model',
      created: Math.floor(startedAt.getTime() / 1000),
      owned_by: 'llm-deploy',
    };
  });

  app.get('/v1/webhooks/default/secret', replicate, async () => {
    // On an open server anyone could read it and forge deliveries that verify.
    if (!deps.apiKeys.enabled) {
      throw new Forbidden(
        'the webhook signing secret is shown only to callers with an API key, and this server has none (set API_KEYS or API_KEYS_FILE); or read WEBHOOK_SECRET where it was set',
      );
    }
    return { key: deps.webhookSecret };
  });
}
