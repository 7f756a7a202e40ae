import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_SCALAR_BYTES,
  GGML_TYPE_SIZES,
  GgufValueType,
  alignTo,
  tensorBytes,
} from './gguf-format';

/** A metadata value; arrays keep their element type and length only (token lists are large). */
export type GgufValue =
  string | number | bigint | boolean | { arrayOf: GgufValueType; length: number };

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] varies fastest. */
  dims: number[];
  type: number;
  /** From the start of the data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Where the data section starts, in bytes from the start of the file. */
  dataOffset: number;
  fileBytes: number;
}

/** A file that is not a GGUF llama.cpp can read; the message is one line naming the problem. */
export class GgufFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GgufFormatError';
  }
}

/** Counts past these mean a corrupt header, not a model (the largest models have ~10^5 keys/tensors). */
const MAX_ENTRIES = 10_000_000;
const MAX_DIMS = 4;

/** Reads a file forward through a buffer, failing (not crashing) at the end of the file. */
class FileCursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private ensure(bytes: number, what: string): Buffer {
    if (this.position + bytes > this.size) {
      throw new GgufFormatError(
        `it is truncated: ${what} at byte ${this.position} runs past the end of the file (${this.size} bytes)`,
      );
    }
    const start = this.position - this.bufferStart;
    if (start + bytes > this.buffer.length) {
      const length = Math.min(Math.max(bytes, 1 << 20), this.size - this.position);
      this.buffer = Buffer.alloc(length);
      readSync(this.fd, this.buffer, 0, length, this.position);
      this.bufferStart = this.position;
    }
    const from = this.position - this.bufferStart;
    this.position += bytes;
    return this.buffer.subarray(from, from + bytes);
  }

  u32(what: string): number {
    return this.ensure(4, what).readUInt32LE(0);
  }

  u64(what: string): number {
    const value = this.ensure(8, what).readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new GgufFormatError(`its ${what} (${value}) is out of range: the header is corrupt`);
    }
    return Number(value);
  }

  string(what: string): string {
    const length = this.u64(`the length of ${what}`);
    return this.ensure(length, what).toString('utf8');
  }

  scalar(type: GgufValueType, what: string): number | bigint | boolean {
    const bytes = GGUF_SCALAR_BYTES[type];
    if (bytes === undefined) throw new GgufFormatError(`${what} has unknown value type ${type}`);
    const b = this.ensure(bytes, what);
    switch (type) {
      case GgufValueType.UINT8:
        return b.readUInt8(0);
      case GgufValueType.INT8:
        return b.readInt8(0);
      case GgufValueType.UINT16:
        return b.readUInt16LE(0);
      case GgufValueType.INT16:
        return b.readInt16LE(0);
      case GgufValueType.UINT32:
        return b.readUInt32LE(0);
      case GgufValueType.INT32:
        return b.readInt32LE(0);
      case GgufValueType.FLOAT32:
        return b.readFloatLE(0);
      case GgufValueType.BOOL:
        return b.readUInt8(0) !== 0;
      case GgufValueType.UINT64:
        return b.readBigUInt64LE(0);
      case GgufValueType.INT64:
        return b.readBigInt64LE(0);
      default:
        return b.readDoubleLE(0);
    }
  }

  skip(bytes: number, what: string): void {
    if (this.position + bytes > this.size) this.ensure(bytes, what);
    this.position += bytes;
  }
}

function readValue(cursor: FileCursor, type: GgufValueType, key: string): GgufValue {
  if (type === GgufValueType.STRING) return cursor.string(`metadata "${key}"`);
  if (type !== GgufValueType.ARRAY) return cursor.scalar(type, `metadata "${key}"`);
  const arrayOf = cursor.u32(`the element type of metadata "${key}"`);
  const length = cursor.u64(`the length of metadata "${key}"`);
  if (arrayOf === GgufValueType.STRING) {
    for (let i = 0; i < length; i++) cursor.string(`metadata "${key}"[${i}]`);
  } else {
    const bytes = GGUF_SCALAR_BYTES[arrayOf as GgufValueType];
    if (bytes === undefined) {
      throw new GgufFormatError(`metadata "${key}" is an array of unknown type ${arrayOf}`);
    }
    cursor.skip(bytes * length, `metadata "${key}"`);
  }
  return { arrayOf, length };
}

function readTensorInfo(cursor: FileCursor, index: number): GgufTensorInfo {
  const name = cursor.string(`the name of tensor ${index}`);
  const nDims = cursor.u32(`the rank of tensor "${name}"`);
  if (nDims < 1 || nDims > MAX_DIMS) {
    throw new GgufFormatError(`tensor "${name}" has ${nDims} dimensions (llama.cpp reads 1 to 4)`);
  }
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) dims.push(cursor.u64(`a dimension of tensor "${name}"`));
  const type = cursor.u32(`the type of tensor "${name}"`);
  const offset = cursor.u64(`the offset of tensor "${name}"`);
  return { name, dims, type, offset };
}

function checkCount(count: number, what: string): void {
  if (count > MAX_ENTRIES) {
    throw new GgufFormatError(`it claims ${count} ${what}: the header is corrupt`);
  }
}

/** Checks that every tensor is of a known type and lies whole inside the file. */
function checkTensors(header: GgufHeader, alignment: number): void {
  for (const tensor of header.tensors) {
    const type = GGML_TYPE_SIZES[tensor.type];
    if (!type) {
      throw new GgufFormatError(
        `tensor "${tensor.name}" has ggml type ${tensor.type}, which this llama.cpp build does not know`,
      );
    }
    const bytes = tensorBytes(tensor.type, tensor.dims);
    if (bytes === undefined) {
      throw new GgufFormatError(
        `tensor "${tensor.name}" [${tensor.dims.join(', ')}] is not a whole number of ${type.name} blocks of ${type.block}`,
      );
    }
    if (tensor.offset % alignment !== 0) {
      throw new GgufFormatError(
        `tensor "${tensor.name}" starts at offset ${tensor.offset}, not a multiple of the alignment ${alignment}`,
      );
    }
    const end = header.dataOffset + tensor.offset + bytes;
    if (end > header.fileBytes) {
      throw new GgufFormatError(
        `it is truncated: tensor "${tensor.name}" ends at byte ${end} but the file has ${header.fileBytes} bytes`,
      );
    }
  }
}

/**
 * Reads and checks a GGUF file's header, metadata and tensor table, and that every tensor's data
 * lies inside the file, without reading the weights. Throws GgufFormatError.
 */
export function readGgufHeader(path: string): GgufHeader {
  const fd = openSync(path, 'r');
  try {
    const cursor = new FileCursor(fd, fstatSync(fd).size);
    if (cursor.size < 4) throw new GgufFormatError(`it has ${cursor.size} bytes: not a GGUF file`);
    const magic = Buffer.alloc(4);
    readSync(fd, magic, 0, 4, 0);
    if (magic.toString('latin1') !== GGUF_MAGIC) {
      throw new GgufFormatError(
        `it is not a GGUF file: it starts with ${JSON.stringify(magic.toString('latin1'))}, not "GGUF"`,
      );
    }
    cursor.position = 4;
    const version = cursor.u32('the version');
    if (version !== 2 && version !== 3) {
      throw new GgufFormatError(`it is GGUF version ${version}; llama.cpp reads versions 2 and 3`);
    }
    const tensorCount = cursor.u64('the tensor count');
    const metadataCount = cursor.u64('the metadata count');
    checkCount(tensorCount, 'tensors');
    checkCount(metadataCount, 'metadata entries');
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < metadataCount; i++) {
      const key = cursor.string(`metadata key ${i}`);
      const type = cursor.u32(`the type of metadata "${key}"`) as GgufValueType;
      metadata.set(key, readValue(cursor, type, key));
    }
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) tensors.push(readTensorInfo(cursor, i));
    const alignmentValue = metadata.get('general.alignment');
    const alignment = typeof alignmentValue === 'number' ? alignmentValue : GGUF_DEFAULT_ALIGNMENT;
    if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) {
      throw new GgufFormatError(`its general.alignment (${alignment}) is not a multiple of 8`);
    }
    const header: GgufHeader = {
      version,
      metadata,
      tensors,
      dataOffset: alignTo(cursor.position, alignment),
      fileBytes: cursor.size,
    };
    checkTensors(header, alignment);
    return header;
  } finally {
    closeSync(fd);
  }
}

/** A metadata string, or undefined when absent or not a string. */
export function metadataString(header: GgufHeader, key: string): string | undefined {
  const value = header.metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}

/** A metadata integer, or undefined when absent or not a number. */
export function metadataNumber(header: GgufHeader, key: string): number | undefined {
  const value = header.metadata.get(key);
  if (typeof value === 'number') return value;
  return typeof value === 'bigint' ? Number(value) : undefined;
}
