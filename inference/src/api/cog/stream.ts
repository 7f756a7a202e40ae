import type { FastifyReply } from 'fastify';
import type { Prediction } from '../predictions';
import { streamPrediction } from '../predictions/event-stream';
import { toCogEvent } from './protocol';

/**
 * Streams a prediction as Cog's server-sent events: what already happened (a retry reattaching),
 * then live events, ending after `completed`. Resolves when the stream ends.
 */
export function streamCogPrediction(
  reply: FastifyReply,
  prediction: Prediction,
  cancelOnDisconnect: boolean,
): Promise<void> {
  return streamPrediction(reply, prediction, {
    render: (event, p) => [toCogEvent(event, p)],
    onDisconnect: cancelOnDisconnect ? () => prediction.requestCancel() : undefined,
  });
}
