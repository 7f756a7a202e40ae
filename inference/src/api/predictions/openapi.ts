import { z } from 'zod';
import { SERVER_VERSION } from '../../version';
import { DEFAULT_MAX_NEW_TOKENS, predictionInputSchema } from './input';
import { WEBHOOK_EVENTS } from './webhook-delivery';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });

/**
 * Cog's `Input` schema, generated from the same zod schema that validates requests, so what is
 * published and what is accepted cannot drift. Properties carry Cog's `x-order`.
 */
export function cogInputSchema(maxNewTokens: number): Schema {
  const schema = z.toJSONSchema(predictionInputSchema(maxNewTokens), {
    target: 'openapi-3.0',
    io: 'input',
  }) as { properties: Record<string, Schema> } & Schema;
  const properties: Record<string, Schema> = {};
  Object.entries(schema.properties).forEach(([name, property], order) => {
    properties[name] = { title: titleOf(name), ...property, 'x-order': order };
  });
  // Applied in toGenerationRequest rather than by zod, because max_tokens is its alias.
  properties.max_new_tokens.default = DEFAULT_MAX_NEW_TOKENS;
  return { ...schema, title: 'Input', properties };
}

/** Cog's iterator-of-strings output, which clients concatenate. */
const OUTPUT_SCHEMA: Schema = {
  title: 'Output',
  type: 'array',
  items: { type: 'string' },
  'x-cog-array-type': 'iterator',
  'x-cog-array-display': 'concatenate',
};

const isoTime = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });

const SCHEMAS: Record<string, Schema> = {
  Status: {
    title: 'Status',
    type: 'string',
    enum: ['starting', 'processing', 'succeeded', 'canceled', 'failed'],
  },
  WebhookEvent: { title: 'WebhookEvent', type: 'string', enum: [...WEBHOOK_EVENTS] },
  PredictionRequest: {
    title: 'PredictionRequest',
    type: 'object',
    properties: {
      input: ref('Input'),
      id: { title: 'Id', type: 'string' },
      created_at: { title: 'Created At', ...isoTime },
      output_file_prefix: { title: 'Output File Prefix', type: 'string' },
      webhook: { title: 'Webhook', type: 'string', format: 'uri' },
      webhook_events_filter: {
        title: 'Webhook Events Filter',
        type: 'array',
        items: ref('WebhookEvent'),
        default: [...WEBHOOK_EVENTS],
      },
    },
  },
  PredictionResponse: {
    title: 'PredictionResponse',
    type: 'object',
    properties: {
      input: ref('Input'),
      // null until the first chunk (a prediction that is starting); OpenAPI 3.0 ignores a $ref's siblings.
      output: { allOf: [ref('Output')], nullable: true },
      id: { title: 'Id', type: 'string' },
      version: { title: 'Version', type: 'string' },
      created_at: { title: 'Created At', ...isoTime },
      started_at: nullable({ title: 'Started At', ...isoTime }),
      completed_at: nullable({ title: 'Completed At', ...isoTime }),
      logs: { title: 'Logs', type: 'string', default: '' },
      error: nullable({ title: 'Error', type: 'string' }),
      status: ref('Status'),
      metrics: { title: 'Metrics', type: 'object' },
    },
  },
  // FastAPI's, as Cog publishes them: a 422 lists each problem with where it is.
  HTTPValidationError: {
    title: 'HTTPValidationError',
    type: 'object',
    properties: { detail: { title: 'Detail', type: 'array', items: ref('ValidationError') } },
  },
  ValidationError: {
    title: 'ValidationError',
    required: ['loc', 'msg', 'type'],
    type: 'object',
    properties: {
      loc: {
        title: 'Location',
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
      msg: { title: 'Message', type: 'string' },
      type: { title: 'Error Type', type: 'string' },
    },
  },
  Error: {
    title: 'Error',
    type: 'object',
    required: ['detail'],
    properties: {
      detail: { type: 'string', description: 'What was wrong, and how to fix it' },
      status: { type: 'integer' },
      title: { type: 'string', description: 'Stable error type' },
    },
  },
};

const errorResponse = (description: string) => ({ description, ...json(ref('Error')) });
const validationErrorResponse = {
  description: 'Validation Error',
  ...json(ref('HTTPValidationError')),
};
const predictionId = {
  name: 'prediction_id',
  in: 'path',
  required: true,
  schema: { title: 'Prediction ID', type: 'string' },
};
const preferHeader = {
  name: 'prefer',
  in: 'header',
  required: false,
  description: '`respond-async`: answer 202 at once and report by webhook',
  schema: { type: 'string' },
};

function predictOperation(summary: string, operationId: string, parameters: Schema[]): Schema {
  return {
    summary,
    operationId,
    parameters,
    requestBody: json(ref('PredictionRequest')),
    responses: {
      200: {
        description: 'The finished prediction; with `Accept: text/event-stream`, its events',
        content: {
          'application/json': { schema: ref('PredictionResponse') },
          'text/event-stream': { schema: { type: 'string' } },
        },
      },
      202: { description: 'Started (`Prefer: respond-async`)', ...json(ref('PredictionResponse')) },
      409: errorResponse('Every generation slot is taken; retry later'),
      422: validationErrorResponse,
      503: errorResponse('The model is loading, or the server is shutting down'),
    },
  };
}

const plainOk = (description: string) => ({
  200: { description, ...json({ type: 'object' }) },
});

/** Cog's `/openapi.json` (OpenAPI 3.0, as Cog publishes it). */
export function cogOpenApi(options: { maxNewTokens: number; modelName: string }): Schema {
  return {
    openapi: '3.0.2',
    info: { title: `llm-deploy: ${options.modelName}`, version: SERVER_VERSION },
    paths: {
      '/': { get: { summary: 'Root', operationId: 'root__get', responses: plainOk('Discovery') } },
      '/health-check': {
        get: {
          summary: 'Healthcheck',
          operationId: 'healthcheck_health_check_get',
          responses: plainOk('STARTING, READY, BUSY or SETUP_FAILED, with the setup record'),
        },
      },
      '/predictions': {
        post: predictOperation('Predict', 'predict_predictions_post', [preferHeader]),
      },
      '/predictions/{prediction_id}': {
        put: predictOperation(
          'Predict Idempotent',
          'predict_idempotent_predictions__prediction_id__put',
          [predictionId, preferHeader],
        ),
      },
      '/predictions/{prediction_id}/cancel': {
        post: {
          summary: 'Cancel',
          operationId: 'cancel_predictions__prediction_id__cancel_post',
          parameters: [predictionId],
          responses: {
            ...plainOk('Cancel requested'),
            404: errorResponse('Unknown prediction'),
            422: validationErrorResponse,
          },
        },
      },
      '/shutdown': {
        post: {
          summary: 'Start Shutdown',
          operationId: 'start_shutdown_shutdown_post',
          responses: plainOk('Draining has begun'),
        },
      },
    },
    components: {
      schemas: { Input: cogInputSchema(options.maxNewTokens), Output: OUTPUT_SCHEMA, ...SCHEMAS },
    },
  };
}

function titleOf(name: string): string {
  return name
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
