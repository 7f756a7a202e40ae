import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { ServerConfig } from '../../config';
import type { GenerationRequest } from '../../engine/types';
import { ValidationError } from '../../errors';
import { abortOnDisconnect } from '../../http/client-abort';
import { routeConfig } from '../../http/route-config';
import type { Lifecycle } from '../../lifecycle';
import { collectChoice, startChoices } from './choices';
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  type ModelCard,
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
  const createdAt = Math.floor(Date.now() / 1000);
  const chatSchema = chatCompletionRequestSchema(config.limits);
  const completionSchema = completionRequestSchema(config.limits);

  app.get('/v1/models', listing, async (): Promise<ModelList> => {
    const info = lifecycle.scheduler?.backend.info;
    const card: ModelCard = {
      id: served,
      object: 'model',
      created: createdAt,
      owned_by: 'llm-deploy',
    };
    if (info) {
      card.max_model_len = info.maxPositions;
      const { engine, device, dtype, quantization } = info;
      card.llm_deploy = { engine, device, dtype, ...(quantization ? { quantization } : {}) };
    }
    return { object: 'list', data: [card] };
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
            message: { role: 'assistant', content: r.text },
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
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  throw new ValidationError(`${path || 'body'}: ${issue.message}`, String(issue.path[0] ?? 'body'));
}
