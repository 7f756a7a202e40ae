import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps';
import { modelVersionId } from './ids';
import { PredictionService } from './service';
import { PredictionStore } from './store';
import { newWebhookSecret } from './webhook-signature';
import { WebhookSender } from './webhooks';

declare module 'fastify' {
  interface FastifyInstance {
    /** Cog's and Replicate's shared predictions; `drainWebhooks()` serves graceful shutdown. */
    predictions: PredictionService;
  }
}

/** What the Cog and Replicate routes are registered with. */
export interface PredictionRouteDeps extends AppDeps {
  predictions: PredictionService;
  /** `whsec_...`, what every webhook delivery is signed with. */
  webhookSecret: string;
}

/**
 * The one prediction service both protocols share (one store, one memory bound), exposed as
 * `app.predictions`; closing the app cancels what still runs.
 */
export function registerPredictions(app: FastifyInstance, deps: AppDeps): PredictionRouteDeps {
  const { config } = deps;
  const webhookSecret = config.webhooks.secret ?? newWebhookSecret();
  const predictions = new PredictionService({
    lifecycle: deps.lifecycle,
    store: new PredictionStore({
      ttlSeconds: config.predictions.ttlSeconds,
      maxStored: config.predictions.maxStored,
    }),
    webhooks: new WebhookSender({
      secret: webhookSecret,
      allowPrivate: config.webhooks.allowPrivate,
      secretMadeAtStart: config.webhooks.secret === undefined,
      log: app.log,
    }),
    maxNewTokens: config.limits.maxNewTokens,
    servedModelName: config.servedModelName,
    modelVersion: modelVersionId(config.model, config.revision),
    log: app.log,
  });
  app.decorate('predictions', predictions);
  app.addHook('onClose', () => predictions.close());
  return { ...deps, predictions, webhookSecret };
}
