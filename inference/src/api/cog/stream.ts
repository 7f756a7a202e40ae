import type { FastifyReply } from 'fastify';
import { EventStream } from '../../http/sse';
import type { Prediction } from '../predictions';
import { toCogEvent } from './protocol';

const PING_MS = 15_000;

/**
 * Streams a prediction as Cog's server-sent events: what already happened (a retry reattaching),
 * then live events, ending after `completed`. Resolves when the stream ends.
 */
export function streamCogPrediction(
  reply: FastifyReply,
  prediction: Prediction,
  cancelOnDisconnect: boolean,
): Promise<void> {
  const stream = new EventStream(reply);
  return new Promise((resolve) => {
    const ping = setInterval(() => stream.ping(), PING_MS);
    let unfollow: () => void = () => undefined;
    const end = () => {
      clearInterval(ping);
      unfollow();
      stream.end();
      resolve();
    };
    reply.raw.once('close', () => {
      if (cancelOnDisconnect) prediction.requestCancel();
      end();
    });
    unfollow = prediction.follow((event, p) => {
      stream.send(toCogEvent(event, p));
      if (event.type === 'completed') end();
    });
  });
}
