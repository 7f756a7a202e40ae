import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AutoConfig, ModelRegistry, env } from '@huggingface/transformers';
import { ModelLoadError } from '../errors';
import type { Device, Dtype } from '../engine/types';
import { configureHub, type HubOptions, type TransformersEnv } from './hub';

export interface PullOptions {
  /** A Hugging Face Hub id, `owner/name`. */
  id: string;
  revision: string;
  /** Selects the ONNX weights (onnx/model{suffix}.onnx) as the server would load them. */
  dtype: Dtype;
  device: Device;
  hub: HubOptions;
  /** The model folder to write: serve it with MODEL=<outDir>. */
  outDir: string;
  onFile?: (file: string, bytes: number) => void;
}

/** Tokenizer files transformers.js loads for a text model; every other optional file may be absent. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];

/**
 * Downloads what the server needs to serve a Hub model (config, tokenizer, the ONNX weights for
 * one dtype) into a plain model folder, without loading it. Container builds bake models this way.
 */
export async function pullModel(options: PullOptions): Promise<string[]> {
  const { id, revision, hub } = options;
  configureHub(env as unknown as TransformersEnv, hub);
  const fetchWithToken = (env as unknown as TransformersEnv).fetch;
  const fetchFile = (file: string, required: boolean) =>
    download(fileUrl(hub.endpoint, id, revision, file), join(options.outDir, file), {
      required,
      fetch: fetchWithToken,
    });
  const written: string[] = [];
  const record = (file: string, bytes: number | undefined) => {
    if (bytes === undefined) return;
    written.push(file);
    options.onFile?.(file, bytes);
  };
  // config.json decides which weight files exist; read it from the folder it was written to.
  record('config.json', await fetchFile('config.json', true));
  const config = await AutoConfig.from_pretrained(options.outDir);
  const modelFiles = await ModelRegistry.get_model_files(id, {
    config,
    dtype: options.dtype,
    device: options.device,
  });
  for (const file of new Set([...modelFiles, ...TOKENIZER_FILES])) {
    if (file === 'config.json') continue;
    const required = file === 'tokenizer.json' || file.endsWith('.onnx');
    record(file, await fetchFile(file, required));
  }
  return written;
}

export function fileUrl(endpoint: string, id: string, revision: string, file: string): string {
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  return `${base}${id}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** Streams one file to disk (via a temporary name); undefined when an optional file is absent. */
export async function download(
  url: string,
  path: string,
  options: {
    required: boolean;
    fetch: TransformersEnv['fetch'];
    /** 0-100 as the body arrives, when the response names its length. */
    onProgress?: (percent: number) => void;
  },
): Promise<number | undefined> {
  const response = await options.fetch(url).catch((error: unknown) => {
    throw new ModelLoadError(`could not reach ${url}: ${firstLine(error)}; check HF_ENDPOINT`);
  });
  if (response.status === 404 && !options.required) return undefined;
  if (!response.ok || !response.body) {
    const hint =
      response.status === 401 || response.status === 403
        ? '; is the model gated or private? pass a token with access in HF_TOKEN'
        : '';
    throw new ModelLoadError(`GET ${url} answered ${response.status}${hint}`);
  }
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  try {
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const total = Number(response.headers.get('content-length') ?? 0);
    await pipeline(body, progressCounter(total, options.onProgress), createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new ModelLoadError(`downloading ${url} failed: ${firstLine(error)}`);
  }
  return (await stat(path)).size;
}

/** Passes bytes through, reporting each whole percent of `total` received. */
function progressCounter(total: number, onProgress?: (percent: number) => void): Transform {
  let received = 0;
  let reported = -1;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      const percent = total > 0 ? Math.floor((received / total) * 100) : -1;
      if (onProgress && percent > reported) onProgress((reported = percent));
      done(null, chunk);
    },
  });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
