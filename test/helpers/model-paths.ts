import { resolve } from 'node:path';

/** The embedded tiny model `npm ci` builds. */
export const TINY_MODEL = resolve(__dirname, '..', '..', 'inference', 'models', 'tiny');
