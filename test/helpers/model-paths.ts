import { resolve } from 'node:path';

/** The embedded tiny model `npm ci` builds. */
export const TINY_MODEL = resolve(__dirname, '..', '..', 'inference', 'models', 'tiny');

/** The same model as GGUF files (F32, F16, Q8_0) for the llama.cpp engine, also built by `npm ci`. */
export const TINY_GGUF_DIR = resolve(__dirname, '..', '..', 'inference', 'models', 'tiny-gguf');
export const TINY_GGUF = resolve(TINY_GGUF_DIR, 'tiny-f32.gguf');
