import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ServerConfig } from '../../config';
import type { GenerationRequest } from '../../engine/types';
import { ValidationError } from '../../errors';
import { abortOnDisconnect } from '../../http/client-abort';
import { routeConfig } from '../../http/route-config';
import { parseWith } from '../../http/validation';
import type { Lifecycle } from '../../lifecycle';
import { collectChoice, startChoices } from './choices';
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  modelObject,
  type ModelList,
} from './protocol';
import {
  chatGenerationRequests,
  checkModel,
  completionGenerationRequests,
  openAIFinishReason,
} from './service';
import { addUsage, streamChoices, usageBody } from './stream';

export interface OpenAIDeps {
  config: ServerConfig;
  lifecycle: Lifecycle;
}

const listing = routeConfig({ protocol: 'openai', access: 'key' });
const generation = routeConfig({ protocol: 'openai', access: 'key', generates: true });

export function registerOpenAIRoutes(
  app: FastifyInstance,
  { config, lifecycle }: OpenAIDeps,
): void {
  const served = config.servedModelName;
  const model = modelObject(served, lifecycle);
  const chatSchema = chatCompletionRequestSchema(config.limits);
  const completionSchema = completionRequestSchema(config.limits);

  app.get('/v1/models', listing, async (): Promise<ModelList> => ({
    object: 'list',
    data: [model],
  }));

  // A slashed id arrives encoded (owner%2Fname, as the SDKs send it); unencoded, it is
  // GET /v1/models/{owner}/{name}, which the Replicate routes answer for both protocols.
  app.get<{ Params: { model: string } }>('/v1/models/:model', listing, async (request) => {
    checkModel(request.params.model, served);
    return model;
  });

  app.post('/v1/chat/completions', generation, async (request, reply) => {
    const body = parseBody(chatSchema, request.body);
    checkModel(body.model, served);
    const requests = chatGenerationRequests(body);
    return respond(
      reply,
      requests,
      body.n ?? 1,
      body.stream ?? false,
      body.stream_options?.include_usage ?? false,
      'chat',
    );
  });

  app.post('/v1/completions', generation, async (request, reply) => {
    const body = parseBody(completionSchema, request.body);
    checkModel(body.model, served);
    const requests = completionGenerationRequests(body);
    return respond(
      reply,
      requests,
      body.n ?? 1,
      body.stream ?? false,
      body.stream_options?.include_usage ?? false,
      'text',
    );
  });

  async function respond(
    reply: FastifyReply,
    requests: GenerationRequest[],
    n: number,
    stream: boolean,
    includeUsage: boolean,
    kind: 'chat' | 'text',
  ) {
    const runs = await startChoices(
      lifecycle.acquireScheduler(),
      requests,
      abortOnDisconnect(reply),
    );
    const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`;
    const created = Math.floor(Date.now() / 1000);
    const promptOwners = new Set(runs.filter((r) => r.index % n === 0).map((r) => r.index));
    if (stream) {
      const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
      await streamChoices(reply, runs, {
        id,
        object,
        created,
        model: served,
        includeUsage,
        promptOwners,
      });
      return reply;
    }
    const results = await Promise.all(runs.map(collectChoice));
    const usage = { promptTokens: 0, completionTokens: 0 };
    for (const r of results) addUsage(usage, r.usage, promptOwners.has(r.index));
    const choices = results.map((r) =>
      kind === 'chat'
        ? {
            index: r.index,
            // `refusal` is the model's own refusal, which this server cannot tell apart from text:
            // moderation refuses prompts with a 400 and cuts output with finish_reason content_filter.
            message: { role: 'assistant', content: r.text, refusal: null },
            logprobs: null,
            finish_reason: openAIFinishReason(r.reason),
          }
        : {
            index: r.index,
            text: r.text,
            logprobs: null,
            finish_reason: openAIFinishReason(r.reason),
          },
    );
    return {
      id,
      object: kind === 'chat' ? 'chat.completion' : 'text_completion',
      created,
      model: served,
      choices,
      usage: usageBody(usage),
    };
  }
}

/** zod's first issue, as OpenAI words it: what is wrong, and which parameter. */
function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the request body must be a JSON object', 'body');
  }
  return parseWith(schema, body, {
    loc: ['body'],
    name: (path) =>
      path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '') || 'body',
    param: (path) => String(path[0] ?? 'body'),
  });
}
