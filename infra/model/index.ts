// Plain domain types that config, platforms, components and manifests share, and the rules
// those types obey. They import nothing but each other (and infra/lib), so no two of those
// layers need to import each other.
export * from './arg-problems';
export type * from './scheduling';
export type * from './settings';
export * from './server-env';
export * from './access-rules';
export * from './service-fields';
export * from './service-rules';
export * from './value-rules';
