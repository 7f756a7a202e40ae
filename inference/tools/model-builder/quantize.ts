/// <reference lib="esnext.float16" />
import { GgmlType } from '../../src/engine/llamacpp/gguf-format';

/** Q8_0: blocks of 32 values, each an f16 scale and 32 int8s (value = scale * q). */
const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

export function toF32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** IEEE half precision, rounded to nearest even (as ggml's FP32_TO_FP16). */
export function toF16Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(Float16Array.from(values).buffer);
}

/**
 * ggml's reference Q8_0 quantizer: per block, scale = max|x| / 127 stored as f16, and
 * q = round(x / scale) computed with the f32 scale.
 */
export function toQ8_0Bytes(values: Float32Array): Uint8Array {
  if (values.length % Q8_0_BLOCK !== 0) {
    throw new Error(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values, got ${values.length}`);
  }
  const blocks = values.length / Q8_0_BLOCK;
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  // Blocks are 34 bytes, so every scale sits at an even offset: one f16 view over the whole file.
  const scales = new Float16Array(out.buffer);
  const quants = new Int8Array(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const start = b * Q8_0_BLOCK;
    let amax = 0;
    for (let i = 0; i < Q8_0_BLOCK; i++) {
      const a = Math.abs(values[start + i]);
      if (a > amax) amax = a;
    }
    const d = Math.fround(amax / 127);
    const inverse = d ? Math.fround(1 / d) : 0;
    scales[(b * Q8_0_BLOCK_BYTES) / 2] = d;
    const at = b * Q8_0_BLOCK_BYTES + 2;
    for (let i = 0; i < Q8_0_BLOCK; i++) {
      // roundf rounds halves away from zero; Math.round rounds them up.
      const x = Math.fround(values[start + i] * inverse);
      quants[at + i] = x < 0 ? -Math.round(-x) : Math.round(x);
    }
  }
  return out;
}

/** Encodes `values` as a tensor of `type`. */
export function encodeTensor(values: Float32Array, type: GgmlType): Uint8Array {
  switch (type) {
    case GgmlType.F32:
      return toF32Bytes(values);
    case GgmlType.F16:
      return toF16Bytes(values);
    case GgmlType.Q8_0:
      return toQ8_0Bytes(values);
  }
}
