import { Tensor } from '@huggingface/transformers';

/** A model's cache inputs by name (`past_key_values.{i}.key` ...), each [batch, ..., past, last]. */
export type CacheTensors = Record<string, Tensor>;

/** One row of a batch's cache tensors; the row's own columns are the last ones along `past`. */
export interface CacheSlice {
  tensors: CacheTensors;
  row: number;
}

export interface CacheRow {
  slice: CacheSlice;
  /** The row's own columns (cached tokens); the columns before them are padding. */
  length: number;
}

type TypedArray = Float32Array | Uint16Array | Float64Array;
type TypedArrayClass = new (length: number) => TypedArray;

/** The past-sequence axis: second to last, as transformers.js's DynamicCache reads it. */
export function pastLength(tensors: CacheTensors): number {
  const first = Object.values(tensors)[0];
  return first ? first.dims[first.dims.length - 2] : 0;
}

/**
 * The cache for a batch of these rows, left-padded: every row's columns end at the last column,
 * so a decode step appends each row's new token at the same place, and the attention mask's
 * zeros cover the padding. The tensors of the previous step are reused as they are when the rows
 * are exactly theirs (a step with no row joining or leaving copies nothing, as generate() does);
 * otherwise the rows are copied into new tensors as wide as the longest row (padding no row
 * needs any more is dropped). Undefined when no row has a cached token yet.
 */
export function composeCache(rows: CacheRow[]): CacheTensors | undefined {
  const width = Math.max(0, ...rows.map((r) => r.length));
  if (width === 0) return undefined;
  const shared = rows[0].slice.tensors;
  const reusable =
    rows.every((r, i) => r.slice.tensors === shared && r.slice.row === i) &&
    Object.values(shared)[0].dims[0] === rows.length &&
    pastLength(shared) === width;
  if (reusable) return shared;
  const composed: CacheTensors = {};
  for (const name of Object.keys(shared)) composed[name] = composeOne(rows, name, width);
  return composed;
}

function composeOne(rows: CacheRow[], name: string, width: number): Tensor {
  const sample = rows[0].slice.tensors[name];
  const dims = sample.dims;
  const last = dims[dims.length - 1];
  // Every axis between the batch and the past (heads) is copied block by block.
  const groups = dims.slice(1, -2).reduce((a, b) => a * b, 1);
  const Data = (sample.data as TypedArray).constructor as TypedArrayClass;
  const data = new Data(rows.length * groups * width * last);
  rows.forEach(({ slice, length }, b) => {
    const source = slice.tensors[name];
    const sourceData = source.data as TypedArray;
    const sourceWidth = source.dims[source.dims.length - 2];
    for (let g = 0; g < groups; g++) {
      const from = ((slice.row * groups + g) * sourceWidth + sourceWidth - length) * last;
      const to = ((b * groups + g) * width + width - length) * last;
      data.set(sourceData.subarray(from, from + length * last), to);
    }
  });
  return new Tensor(sample.type, data, [rows.length, ...dims.slice(1, -2), width, last]);
}

/** Bytes one cached token takes in one row, from a cache the model produced. */
export function bytesPerCachedToken(tensors: CacheTensors): number {
  let bytes = 0;
  for (const tensor of Object.values(tensors)) {
    const dims = tensor.dims;
    const columns = dims[0] * dims[dims.length - 2];
    if (columns > 0) bytes += (tensor.data as TypedArray).byteLength / columns;
  }
  return bytes;
}

/**
 * Frees a tensor's memory at once rather than at the next garbage collection. Each pass's cache
 * and logits are tens of MB that V8 counts as external memory; left to the collector, they set off
 * a full mark-compact about every other step at 8 rows (10-13 ms each). Only a tensor on the CPU
 * that owns its whole buffer is freed (detaching a shared buffer would break its other views).
 */
export function freeNow(tensor: Tensor): void {
  if (tensor.location !== 'cpu') return;
  const data = tensor.data as ArrayBufferView;
  const buffer = data.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.detached) return;
  if (data.byteOffset !== 0 || data.byteLength !== buffer.byteLength) return;
  buffer.transfer(0);
}
