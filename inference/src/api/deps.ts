import type { ServerConfig } from '../config';
import type { ApiKeys } from '../http/api-keys';
import type { RateLimiter } from '../http/rate-limit';
import type { Lifecycle } from '../lifecycle';
import type { Metrics } from './metrics/metrics';

/** What the app and its route modules are built from; its own module, so api/ needs no app.ts. */
export interface AppDeps {
  config: ServerConfig;
  lifecycle: Lifecycle;
  metrics: Metrics;
  apiKeys: ApiKeys;
  rateLimiter: RateLimiter;
  /** pino options, or false for a silent app (tests). */
  logger?: boolean | object;
}
