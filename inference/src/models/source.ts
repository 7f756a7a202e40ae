import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelLoadError } from '../errors';
import type { Dtype } from '../engine/types';

export type ModelSource =
  { kind: 'local'; path: string } | { kind: 'hub'; id: string; revision: string };

/** transformers.js's file suffix per dtype: onnx/model{suffix}.onnx. */
export const DTYPE_FILE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
};

export const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** A model is an existing folder, else a Hugging Face Hub id (`owner/name`). */
export function resolveModelSource(model: string, revision = 'main'): ModelSource {
  const path = resolve(model);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) {
      throw new ModelLoadError(
        `model path "${model}" is a file; pass the folder that holds config.json and onnx/`,
      );
    }
    return { kind: 'local', path };
  }
  if (HUB_ID.test(model) && !model.startsWith('.')) return { kind: 'hub', id: model, revision };
  throw new ModelLoadError(
    `model folder "${model}" does not exist; pass an existing folder (with config.json and onnx/model.onnx) or a Hugging Face Hub id like owner/name`,
  );
}

/** Fails early, with the fix, when a local folder cannot serve the requested dtype. */
export function checkLocalModelFolder(path: string, dtype: Dtype): void {
  if (!existsSync(join(path, 'config.json'))) {
    throw new ModelLoadError(
      `model folder "${path}" has no config.json; is it a transformers.js model folder?`,
    );
  }
  const file = `model${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
  if (existsSync(join(path, 'onnx', file))) return;
  const available = availableDtypes(path);
  const hint =
    available.length > 0
      ? `available dtypes: ${available.join(', ')}; pass --dtype ${available[0]}`
      : 'export the model to ONNX first (e.g. with Optimum), or build a test model with build-model';
  throw new ModelLoadError(
    `model folder "${path}" has no ONNX weights for dtype ${dtype} (onnx/${file}); ${hint}`,
  );
}

function availableDtypes(path: string): Dtype[] {
  const dir = join(path, 'onnx');
  const files = existsSync(dir) ? readdirSync(dir) : [];
  return (Object.keys(DTYPE_FILE_SUFFIX) as Dtype[]).filter((d) =>
    files.includes(`model${DTYPE_FILE_SUFFIX[d]}.onnx`),
  );
}
