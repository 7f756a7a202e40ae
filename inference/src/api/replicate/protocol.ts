import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Prediction, PredictionEvent, PredictionStatus } from '../predictions';

/** Body of POST /v1/predictions, /v1/models/{o}/{n}/predictions, /v1/deployments/{o}/{n}/predictions. */
export const replicateCreateSchema = z.object({
  version: z.string().min(1).optional(),
  input: z.unknown(),
  webhook: z.string().nullish(),
  webhook_events_filter: z.array(z.string()).nullish(),
  // Every prediction here can stream; the legacy flag is accepted and changes nothing.
  stream: z.boolean().optional(),
});

export interface ReplicatePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  logs: string;
  output: string[] | null;
  data_removed: boolean;
  error: string | null;
  source: 'api';
  status: PredictionStatus;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  urls: { cancel: string; get: string; stream: string };
  metrics: {
    predict_time?: number;
    total_time?: number;
    input_token_count?: number;
    output_token_count?: number;
    time_to_first_token?: number;
    tokens_per_second?: number;
  };
}

export interface ReplicatePage {
  next: string | null;
  previous: string | null;
  results: ReplicatePrediction[];
}

/** `baseUrl` is the server's public origin as the client reached it (see requestBaseUrl). */
export function toReplicatePrediction(p: Prediction, baseUrl: string): ReplicatePrediction {
  const self = `${baseUrl}/v1/predictions/${encodeURIComponent(p.id)}`;
  const predictSeconds = p.predictSeconds;
  return {
    id: p.id,
    model: p.model,
    version: p.version,
    input: p.input,
    logs: p.logs,
    output: p.output.length > 0 || p.done ? p.output : null,
    data_removed: false,
    error: p.error,
    source: 'api',
    status: p.status,
    created_at: p.createdAt.toISOString(),
    started_at: p.startedAt?.toISOString() ?? null,
    completed_at: p.completedAt?.toISOString() ?? null,
    urls: { cancel: `${self}/cancel`, get: self, stream: `${self}/stream` },
    metrics: {
      predict_time: predictSeconds,
      total_time: p.totalSeconds,
      input_token_count: p.promptTokens,
      output_token_count: p.completionTokens,
      time_to_first_token: p.firstOutputSeconds,
      tokens_per_second:
        predictSeconds && p.completionTokens !== undefined
          ? p.completionTokens / predictSeconds
          : undefined,
    },
  };
}

/**
 * Replicate's stream events: `output` (a text chunk), `logs`, then `error` ({detail}) if it
 * failed, and `done` ({} or {reason}). Ids are history positions, for Last-Event-ID.
 */
export function toReplicateEvents(
  event: PredictionEvent,
  p: Prediction,
): { event: string; id?: string; data: string }[] {
  const id = String(event.index);
  switch (event.type) {
    case 'start':
      return [];
    case 'output':
      return [{ event: 'output', id, data: event.chunk }];
    case 'logs':
      return [{ event: 'logs', id, data: event.text }];
    case 'completed':
      if (event.status === 'failed') {
        return [
          { event: 'error', data: JSON.stringify({ detail: p.error ?? 'prediction failed' }) },
          { event: 'done', id, data: JSON.stringify({ reason: 'error' }) },
        ];
      }
      return [
        {
          event: 'done',
          id,
          data: JSON.stringify(event.status === 'canceled' ? { reason: 'canceled' } : {}),
        },
      ];
  }
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The origin clients reach this server at, from X-Forwarded-Proto/-Host (set by the ingress) or
 * Host, so urls.get/cancel/stream work behind a proxy. Malformed values fall back to the socket's.
 */
export function requestBaseUrl(request: FastifyRequest): string {
  const forwardedProto = firstValue(request.headers['x-forwarded-proto'])?.toLowerCase();
  const proto =
    forwardedProto === 'http' || forwardedProto === 'https' ? forwardedProto : request.protocol;
  const candidates = [firstValue(request.headers['x-forwarded-host']), request.headers.host];
  const host = candidates.find((h) => h !== undefined && HOST.test(h)) ?? localHost(request);
  return `${proto}://${host}`;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0].trim();
  return first ? first : undefined;
}

function localHost(request: FastifyRequest): string {
  const { localAddress, localPort } = request.socket;
  const address = localAddress ?? '127.0.0.1';
  return `${address.includes(':') ? `[${address}]` : address}:${localPort}`;
}
