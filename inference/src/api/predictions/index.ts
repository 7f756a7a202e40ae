export { acceptsEventStream, parseBody, preferences } from './body';
export { checkClientPredictionId, modelVersionId, newPredictionId } from './ids';
export {
  DEFAULT_MAX_NEW_TOKENS,
  parsePredictionInput,
  predictionInputSchema,
  toGenerationRequest,
  type PredictionInput,
} from './input';
export {
  Prediction,
  type PredictionEvent,
  type PredictionListener,
  type PredictionStatus,
  type TerminalStatus,
} from './prediction';
export { cogInputSchema, cogOpenApi } from './openapi';
export { registerPredictions, type PredictionRouteDeps } from './register';
export { PredictionService, type CreatePredictionOptions, type CreatedPrediction } from './service';
export { PredictionStore, type PredictionPage, type PredictionStoreOptions } from './store';
export {
  WEBHOOK_EVENTS,
  WebhookSender,
  parseWebhook,
  type WebhookEvent,
  type WebhookTarget,
} from './webhooks';
