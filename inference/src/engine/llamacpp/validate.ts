import { ModelLoadError } from '../../errors';
import type { Dtype } from '../types';
import { GgufFormatError, metadataString, readGgufHeader, type GgufHeader } from './gguf-reader';

/**
 * Checks every file of a GGUF model (each part of a split one) before llama.cpp opens any: a
 * file that is not GGUF, is truncated or has a corrupt table becomes one ModelLoadError line
 * naming the file, never a native crash. Returns the first part's header.
 */
export function validateGgufFiles(parts: readonly string[]): GgufHeader {
  const headers = parts.map((part) => {
    try {
      return readGgufHeader(part);
    } catch (error) {
      if (error instanceof GgufFormatError) {
        throw new ModelLoadError(`GGUF file "${part}" cannot be loaded: ${error.message}`);
      }
      throw new ModelLoadError(`could not read "${part}": ${(error as Error).message}`);
    }
  });
  const first = headers[0];
  if (!metadataString(first, 'general.architecture')) {
    throw new ModelLoadError(
      `GGUF file "${parts[0]}" cannot be loaded: it names no general.architecture`,
    );
  }
  if (headers.every((h) => h.tensors.length === 0)) {
    throw new ModelLoadError(`GGUF file "${parts[0]}" cannot be loaded: it holds no tensors`);
  }
  return first;
}

/**
 * The nearest of the server's dtypes to a GGUF quantization label (`general.file_type`'s name):
 * the label itself is reported beside it.
 */
export function dtypeOfQuantization(label: string): Dtype {
  if (label === 'F32') return 'fp32';
  if (label === 'F16' || label === 'BF16') return 'fp16';
  if (/^(Q8|Q6|Q5)/.test(label)) return 'q8';
  return 'q4';
}
