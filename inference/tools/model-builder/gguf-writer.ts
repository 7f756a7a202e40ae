import { closeSync, openSync, writeSync } from 'node:fs';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgufValueType,
  alignTo,
} from '../../src/engine/llamacpp/gguf-format';

/** A metadata value as the writer takes it: the GGUF type decides the encoding. */
export type GgufEntry =
  | { type: GgufValueType.STRING; value: string }
  | { type: GgufValueType.UINT32 | GgufValueType.INT32 | GgufValueType.FLOAT32; value: number }
  | { type: GgufValueType.BOOL; value: boolean }
  | { type: GgufValueType.ARRAY; of: GgufValueType.STRING; value: string[] }
  | { type: GgufValueType.ARRAY; of: GgufValueType.INT32; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] varies fastest (a PyTorch [out, in] matrix is [in, out] here). */
  dims: number[];
  type: number;
  data: Uint8Array;
}

/** Little-endian byte building for the header. */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  length = 0;

  push(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }

  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }

  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeEntry(sink: ByteSink, key: string, entry: GgufEntry): void {
  sink.string(key);
  sink.u32(entry.type);
  switch (entry.type) {
    case GgufValueType.STRING:
      return sink.string(entry.value);
    case GgufValueType.UINT32:
      return sink.u32(entry.value);
    case GgufValueType.INT32:
      return sink.i32(entry.value);
    case GgufValueType.FLOAT32: {
      const b = Buffer.alloc(4);
      b.writeFloatLE(entry.value);
      return sink.push(b);
    }
    case GgufValueType.BOOL:
      return sink.push(Buffer.from([entry.value ? 1 : 0]));
    case GgufValueType.ARRAY:
      sink.u32(entry.of);
      sink.u64(entry.value.length);
      if (entry.of === GgufValueType.STRING) for (const s of entry.value) sink.string(s);
      else for (const n of entry.value) sink.i32(n);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.byteLength) {
    written += writeSync(fd, bytes, written, bytes.byteLength - written);
  }
}

/**
 * Writes a GGUF version 3 file: the metadata in the order given, then the tensors, each aligned
 * to GGUF_DEFAULT_ALIGNMENT. Returns the file's size in bytes.
 */
export function writeGguf(
  path: string,
  metadata: [string, GgufEntry][],
  tensors: GgufTensor[],
): number {
  const header = new ByteSink();
  header.push(Buffer.from(GGUF_MAGIC, 'latin1'));
  header.u32(GGUF_VERSION);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const [key, entry] of metadata) writeEntry(header, key, entry);
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    offsets.push(offset);
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const d of tensor.dims) header.u64(d);
    header.u32(tensor.type);
    header.u64(offset);
    offset = alignTo(offset + tensor.data.byteLength, GGUF_DEFAULT_ALIGNMENT);
  }
  const dataStart = alignTo(header.length, GGUF_DEFAULT_ALIGNMENT);
  const fd = openSync(path, 'w');
  try {
    writeAll(fd, header.bytes());
    writeAll(fd, new Uint8Array(dataStart - header.length));
    tensors.forEach((tensor, i) => {
      writeAll(fd, tensor.data);
      const end = i + 1 < tensors.length ? offsets[i + 1] : offset;
      writeAll(fd, new Uint8Array(end - offsets[i] - tensor.data.byteLength));
    });
  } finally {
    closeSync(fd);
  }
  return dataStart + offset;
}
