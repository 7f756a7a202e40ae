import { fullKey, type ConfigReader } from './reader';
import { DTYPES, ENGINES, type ModelSettings } from '../model';

/** A GGUF quantization label as llama.cpp names its file types (Q4_K_M, Q8_0, F16, IQ4_XS...). */
const QUANT_LABEL = /^[A-Za-z0-9_]+$/;

/** The model keys: which model, the engine, and which of a GGUF repository's files. */
export function readModelSettings(r: ConfigReader): ModelSettings {
  const engineText = r.optionalString('engine');
  const engine = engineText === undefined ? undefined : r.oneOf('engine', ENGINES);
  const ggufFile = r.optionalString('ggufFile');
  const quant = r.optionalString('quant');
  if (ggufFile && quant) {
    r.problem(
      'quant',
      quant,
      `and ${fullKey('ggufFile')} (${ggufFile}) both choose the GGUF file`,
      'set one of them',
    );
  }
  if (ggufFile !== undefined && !ggufFile.toLowerCase().endsWith('.gguf')) {
    r.problem(
      'ggufFile',
      ggufFile,
      'is not a .gguf file name',
      'name the file as the repository lists it, e.g. "model-Q4_K_M.gguf"',
    );
  }
  if (quant !== undefined && !QUANT_LABEL.test(quant)) {
    r.problem(
      'quant',
      quant,
      'is not a quantization label',
      'use the label in the file names, e.g. "Q4_K_M" or "Q8_0"',
    );
  }
  for (const [key, value] of [
    ['ggufFile', ggufFile],
    ['quant', quant],
  ] as const) {
    if (value !== undefined && engine === 'onnx') {
      r.problem(
        key,
        value,
        `chooses a GGUF file, but ${fullKey('engine')} is onnx`,
        'set engine to llamacpp (or leave it empty), or unset this key',
      );
    }
  }
  return {
    id: r.optionalString('model'),
    revision: r.optionalString('modelRevision'),
    servedName: r.optionalString('servedModelName'),
    dtype: r.oneOf('dtype', DTYPES),
    ...(engine ? { engine } : {}),
    ...(ggufFile ? { ggufFile } : {}),
    ...(quant ? { quant } : {}),
  };
}
