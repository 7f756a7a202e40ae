import type { FastifyReply } from 'fastify';
import { ValidationError } from '../../errors';
import type { Prediction } from '../predictions';
import { streamPrediction } from '../predictions/event-stream';
import { toReplicateEvents } from './protocol';

/** The history position a Last-Event-ID names; -1 (from the start) when absent. */
export function parseLastEventId(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return -1;
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw new ValidationError(
      `Last-Event-ID must be the id of an event this stream sent (got ${JSON.stringify(value.slice(0, 40))})`,
      'Last-Event-ID',
    );
  }
  return Number(value.trim());
}

/**
 * Streams a prediction as Replicate does, resuming after `afterIndex`: the events since, then live
 * ones, until `done`. The prediction runs on if the client leaves. Resolves when the stream ends.
 */
export function streamReplicatePrediction(
  reply: FastifyReply,
  prediction: Prediction,
  afterIndex: number,
): Promise<void> {
  return streamPrediction(reply, prediction, { render: toReplicateEvents, afterIndex });
}
