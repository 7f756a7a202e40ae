import type { Access } from './auth';
import type { Protocol } from './errors';

/** What a route declares about itself, in its `config`; hooks act on these, routes stay thin. */
export interface RouteConfig {
  /** Wire shape of its errors. */
  protocol: Protocol;
  /** Who may call it. Required: a route without a decision stops the server from starting. */
  access: Access;
  /** It generates text: per-key rate limits apply, and responses carry the AI disclosure. */
  generates?: boolean;
}

export function routeConfig(config: RouteConfig): { config: RouteConfig } {
  return { config };
}
