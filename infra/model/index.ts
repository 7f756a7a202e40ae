// Plain domain types that config, platforms, components and manifests share. They import
// nothing but each other (and infra/lib), so no two of those layers need to import each other.
export * from './arg-problems';
export type * from './scheduling';
export type * from './settings';
export * from './server-env';
