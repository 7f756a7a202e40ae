import type { FastifyReply } from 'fastify';
import { EventStream, type ServerSentEvent } from '../../http/sse';
import type { Prediction, PredictionEvent } from './prediction';

const PING_MS = 15_000;

export interface PredictionStreamOptions {
  /** A prediction event in the protocol's wire shape (zero or more SSE events). */
  render: (event: PredictionEvent, prediction: Prediction) => ServerSentEvent[];
  /** Replay history after this index first (-1: from the start). */
  afterIndex?: number;
  /** Called when the client goes away before the end. */
  onDisconnect?: () => void;
}

/**
 * Streams a prediction's events over SSE, history first, then live, until `completed`; pings keep
 * idle proxies from closing it. Resolves when the stream ends. Shared by Cog and Replicate.
 */
export function streamPrediction(
  reply: FastifyReply,
  prediction: Prediction,
  options: PredictionStreamOptions,
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
      options.onDisconnect?.();
      end();
    });
    unfollow = prediction.follow((event, p) => {
      for (const sse of options.render(event, p)) stream.send(sse);
      if (event.type === 'completed') end();
    }, options.afterIndex ?? -1);
  });
}
