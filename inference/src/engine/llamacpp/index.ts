export { LlamaCppBackend, type LlamaCppLoadOptions } from './backend';
