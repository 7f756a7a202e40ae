export { UpstreamBackend, type UpstreamOptions } from './backend';
export type { EngineLog } from './client';
