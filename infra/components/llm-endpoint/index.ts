export { LlmEndpoint } from './endpoint';
export type * from './args';
export { ENDPOINT_DEFAULTS } from './defaults';
export { ENDPOINT_FIELD_PATHS } from './validate';
