import { z } from 'zod';
import type { Lifecycle } from '../../lifecycle';
import type { Prediction, PredictionEvent, PredictionStatus } from '../predictions';
import { SERVER_VERSION } from '../../version';

/** Cog's prediction request body (fields in Cog's order). */
export const cogPredictionRequestSchema = z.object({
  input: z.unknown().optional(),
  id: z.string().optional(),
  created_at: z.string().optional(),
  output_file_prefix: z.string().optional(),
  webhook: z.string().nullish(),
  webhook_events_filter: z.array(z.string()).nullish(),
});

export type CogPredictionRequest = z.output<typeof cogPredictionRequestSchema>;

/** Cog's prediction response; `output` is the iterator's chunks, which clients concatenate. */
export interface CogPrediction {
  input: Record<string, unknown>;
  output: string[] | null;
  id: string;
  version: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  logs: string;
  error: string | null;
  status: PredictionStatus;
  metrics?: { predict_time: number; input_token_count?: number; output_token_count?: number };
}

export function toCogPrediction(p: Prediction): CogPrediction {
  return {
    input: p.input,
    output: p.output.length > 0 || p.done ? p.output : null,
    id: p.id,
    version: p.version,
    created_at: p.createdAt.toISOString(),
    started_at: p.startedAt?.toISOString() ?? null,
    completed_at: p.completedAt?.toISOString() ?? null,
    logs: p.logs,
    error: p.error,
    status: p.status,
    metrics:
      p.predictSeconds === undefined
        ? undefined
        : {
            predict_time: p.predictSeconds,
            input_token_count: p.promptTokens,
            output_token_count: p.completionTokens,
          },
  };
}

/** Cog's server-sent events for a prediction: start, output {chunk, index}, log, completed. */
export function toCogEvent(event: PredictionEvent, p: Prediction): { event: string; data: string } {
  switch (event.type) {
    case 'start':
      return {
        event: 'start',
        data: JSON.stringify({
          id: p.id,
          status: 'processing',
          created_at: p.createdAt.toISOString(),
          started_at: p.startedAt?.toISOString() ?? null,
        }),
      };
    case 'output':
      return {
        event: 'output',
        data: JSON.stringify({ chunk: event.chunk, index: event.outputIndex }),
      };
    case 'logs':
      return { event: 'log', data: JSON.stringify({ source: 'stdout', data: event.text }) };
    case 'completed':
      return { event: 'completed', data: JSON.stringify(toCogPrediction(p)) };
  }
}

export type CogHealthStatus = 'STARTING' | 'READY' | 'BUSY' | 'SETUP_FAILED';

export interface CogHealth {
  status: CogHealthStatus;
  setup: {
    started_at: string;
    completed_at: string | null;
    status: 'starting' | 'succeeded' | 'failed';
    logs: string;
  };
  version: Record<string, string>;
}

export function toCogHealth(lifecycle: Lifecycle): CogHealth {
  const { setup } = lifecycle;
  return {
    status: cogHealthStatus(lifecycle),
    setup: {
      started_at: setup.startedAt.toISOString(),
      completed_at: setup.completedAt?.toISOString() ?? null,
      status: setup.status ?? 'starting',
      logs: setup.logs,
    },
    version: { 'llm-deploy': SERVER_VERSION, node: process.versions.node },
  };
}

function cogHealthStatus(lifecycle: Lifecycle): CogHealthStatus {
  switch (lifecycle.state) {
    case 'READY':
      return lifecycle.busy ? 'BUSY' : 'READY';
    // Draining finishes what it has and takes nothing new: to a Cog client that is BUSY.
    case 'DRAINING':
      return 'BUSY';
    default:
      return lifecycle.state;
  }
}

/** Cog's `GET /` discovery document. */
export interface CogDiscovery {
  /** The API docs page; only while the playground (which serves it) is on. */
  docs_url?: string;
  openapi_url: string;
  shutdown_url: string;
  healthcheck_url: string;
  predictions_url: string;
  predictions_idempotent_url: string;
  predictions_cancel_url: string;
}

/** The JSON `GET /` answers; a page that negotiates on Accept can reuse it. */
export function cogDiscovery(docs: boolean): CogDiscovery {
  return {
    ...(docs ? { docs_url: '/docs' } : {}),
    openapi_url: '/openapi.json',
    shutdown_url: '/shutdown',
    healthcheck_url: '/health-check',
    predictions_url: '/predictions',
    predictions_idempotent_url: '/predictions/{prediction_id}',
    predictions_cancel_url: '/predictions/{prediction_id}/cancel',
  };
}
