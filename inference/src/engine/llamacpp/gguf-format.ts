/**
 * The GGUF container format (llama.cpp's model file): what the reader checks and the test-model
 * builder writes. All integers are little-endian.
 *
 *   magic "GGUF" | uint32 version | uint64 tensor count | uint64 metadata count
 *   metadata: (string key, uint32 value type, value)*
 *   tensor infos: (string name, uint32 n_dims, uint64 dims[n_dims], uint32 ggml type, uint64 offset)*
 *   padding to `general.alignment` (default 32), then the tensor data, each tensor aligned.
 */
export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value types. Strings are a uint64 byte length and UTF-8 bytes. */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  /** uint32 element type, uint64 count, the elements. */
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** Byte size of each fixed-size value type. */
export const GGUF_SCALAR_BYTES: Partial<Record<GgufValueType, number>> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

/** The ggml tensor types the builder writes. */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
  Q8_0 = 8,
}

/** `general.file_type`: the dominant tensor type of a file (llama.cpp's llama_ftype). */
export enum GgufFileType {
  ALL_F32 = 0,
  MOSTLY_F16 = 1,
  MOSTLY_Q8_0 = 7,
}

/**
 * Elements per block and bytes per block of every ggml tensor type llama.cpp reads (ggml.h's
 * ggml_type; numbers are stable, new types are appended). A test checks these against the
 * llama.cpp build node-llama-cpp ships.
 */
export const GGML_TYPE_SIZES: Readonly<
  Record<number, { name: string; block: number; bytes: number }>
> = {
  0: { name: 'F32', block: 1, bytes: 4 },
  1: { name: 'F16', block: 1, bytes: 2 },
  2: { name: 'Q4_0', block: 32, bytes: 18 },
  3: { name: 'Q4_1', block: 32, bytes: 20 },
  6: { name: 'Q5_0', block: 32, bytes: 22 },
  7: { name: 'Q5_1', block: 32, bytes: 24 },
  8: { name: 'Q8_0', block: 32, bytes: 34 },
  9: { name: 'Q8_1', block: 32, bytes: 36 },
  10: { name: 'Q2_K', block: 256, bytes: 84 },
  11: { name: 'Q3_K', block: 256, bytes: 110 },
  12: { name: 'Q4_K', block: 256, bytes: 144 },
  13: { name: 'Q5_K', block: 256, bytes: 176 },
  14: { name: 'Q6_K', block: 256, bytes: 210 },
  15: { name: 'Q8_K', block: 256, bytes: 292 },
  16: { name: 'IQ2_XXS', block: 256, bytes: 66 },
  17: { name: 'IQ2_XS', block: 256, bytes: 74 },
  18: { name: 'IQ3_XXS', block: 256, bytes: 98 },
  19: { name: 'IQ1_S', block: 256, bytes: 50 },
  20: { name: 'IQ4_NL', block: 32, bytes: 18 },
  21: { name: 'IQ3_S', block: 256, bytes: 110 },
  22: { name: 'IQ2_S', block: 256, bytes: 82 },
  23: { name: 'IQ4_XS', block: 256, bytes: 136 },
  24: { name: 'I8', block: 1, bytes: 1 },
  25: { name: 'I16', block: 1, bytes: 2 },
  26: { name: 'I32', block: 1, bytes: 4 },
  27: { name: 'I64', block: 1, bytes: 8 },
  28: { name: 'F64', block: 1, bytes: 8 },
  29: { name: 'IQ1_M', block: 256, bytes: 56 },
  30: { name: 'BF16', block: 1, bytes: 2 },
  34: { name: 'TQ1_0', block: 256, bytes: 54 },
  35: { name: 'TQ2_0', block: 256, bytes: 66 },
  39: { name: 'MXFP4', block: 32, bytes: 17 },
  40: { name: 'NVFP4', block: 64, bytes: 36 },
  41: { name: 'Q1_0', block: 128, bytes: 18 },
  42: { name: 'Q2_0', block: 64, bytes: 18 },
};

/** Bytes a tensor of `type` with `dims` (ggml order, dims[0] fastest) occupies; undefined if unknown. */
export function tensorBytes(type: number, dims: readonly number[]): number | undefined {
  const size = GGML_TYPE_SIZES[type];
  if (!size || dims.length === 0 || dims[0] % size.block !== 0) return undefined;
  const elements = dims.reduce((n, d) => n * d, 1);
  return (elements / size.block) * size.bytes;
}

export function alignTo(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}
