/// <reference lib="esnext.float16" />
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgmlType, tensorBytes } from '../../../inference/src/engine/llamacpp/gguf-format';
import {
  metadataNumber,
  metadataString,
  readGgufHeader,
} from '../../../inference/src/engine/llamacpp/gguf-reader';
import { toF16Bytes, toQ8_0Bytes } from '../../../inference/tools/model-builder/quantize';
import { assertCompiledCliIsCurrent, BUILD_MODEL_CLI } from '../../helpers/compiled-cli';

const SHAPE = { nEmbd: 64, nLayer: 2, nHead: 4, nPositions: 128 };
let dir: string;
let files: string[];

// The compiled builder in a child process: jest's realm makes its typed-array loops ~25x slower.
beforeAll(() => {
  assertCompiledCliIsCurrent();
  dir = mkdtempSync(join(tmpdir(), 'gguf-model-'));
  const shape = Object.entries({ n_embd: 64, n_layer: 2, n_head: 4, n_positions: 128 }).flatMap(
    ([flag, value]) => [`--${flag.replace('_', '-')}`, String(value)],
  );
  const built = spawnSync(
    process.execPath,
    [BUILD_MODEL_CLI, ...shape, '--chat-template', '--out', join(dir, 'onnx'), '--gguf-out', dir],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (built.status !== 0) throw new Error(`build-model failed: ${built.stderr}`);
  files = ['f32', 'f16', 'q8_0'].map((type) => join(dir, `tiny-${type}.gguf`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('writes one file per type, named by it', () => {
  expect(
    readdirSync(dir)
      .filter((f) => f.endsWith('.gguf'))
      .sort(),
  ).toEqual(['tiny-f16.gguf', 'tiny-f32.gguf', 'tiny-q8_0.gguf']);
});

test("GPT-2 metadata under llama.cpp's keys: shape, BPE vocabulary and merges, EOS, template", () => {
  const header = readGgufHeader(files[0]);
  expect(header.version).toBe(3);
  expect(metadataString(header, 'general.architecture')).toBe('gpt2');
  expect(metadataNumber(header, 'gpt2.context_length')).toBe(128);
  expect(metadataNumber(header, 'gpt2.embedding_length')).toBe(64);
  expect(metadataNumber(header, 'gpt2.feed_forward_length')).toBe(256);
  expect(metadataNumber(header, 'gpt2.block_count')).toBe(2);
  expect(metadataNumber(header, 'gpt2.attention.head_count')).toBe(4);
  expect(metadataString(header, 'tokenizer.ggml.model')).toBe('gpt2');
  expect(header.metadata.get('tokenizer.ggml.tokens')).toMatchObject({ length: 50257 });
  expect(header.metadata.get('tokenizer.ggml.merges')).toMatchObject({ length: 50000 });
  expect(metadataNumber(header, 'tokenizer.ggml.eos_token_id')).toBe(50256);
  expect(header.metadata.get('tokenizer.ggml.add_bos_token')).toBe(false);
  expect(metadataString(header, 'tokenizer.chat_template')).toContain('add_generation_prompt');
});

test('tensors: names and ggml shapes as llama.cpp loads GPT-2, matrices in the file type', () => {
  const byType = files.map((f) => readGgufHeader(f));
  const [f32, f16, q8] = byType;
  const names = f32.tensors.map((t) => t.name);
  expect(names).toHaveLength(4 + 12 * SHAPE.nLayer);
  expect(new Set(names).size).toBe(names.length);
  expect(names).not.toContain('output.weight'); // tied: llama.cpp reuses token_embd
  const find = (h: typeof f32, name: string) => h.tensors.find((t) => t.name === name)!;
  expect(find(f32, 'token_embd.weight').dims).toEqual([64, 50257]);
  expect(find(f32, 'position_embd.weight').dims).toEqual([64, 128]);
  expect(find(f32, 'blk.1.attn_qkv.weight').dims).toEqual([64, 192]);
  expect(find(f32, 'blk.1.ffn_up.weight').dims).toEqual([64, 256]);
  expect(find(f32, 'blk.1.ffn_down.weight').dims).toEqual([256, 64]);
  expect(find(f16, 'blk.0.attn_output.weight').type).toBe(GgmlType.F16);
  expect(find(q8, 'token_embd.weight').type).toBe(GgmlType.Q8_0);
  // As llama.cpp's converter: vectors and the position table stay F32 in every file.
  for (const h of [f16, q8]) {
    expect(find(h, 'position_embd.weight').type).toBe(GgmlType.F32);
    expect(find(h, 'blk.0.ffn_up.bias').type).toBe(GgmlType.F32);
  }
  for (const t of q8.tensors) expect(t.offset % 32).toBe(0);
  expect(tensorBytes(GgmlType.Q8_0, [64, 50257])).toBe((64 / 32) * 34 * 50257);
});

test('Q8_0 blocks: an f16 scale max|x|/127 and int8 values within half a step of x', () => {
  const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * (i < 32 ? 1 : 0.01));
  const bytes = toQ8_0Bytes(values);
  expect(bytes.length).toBe(2 * 34);
  const view = new DataView(bytes.buffer);
  for (let block = 0; block < 2; block++) {
    const scale = new Float16Array(new Uint16Array([view.getUint16(block * 34, true)]).buffer)[0];
    const slice = values.subarray(block * 32, block * 32 + 32);
    const amax = Math.max(...Array.from(slice, Math.abs));
    expect(scale).toBeCloseTo(amax / 127, 4);
    for (let i = 0; i < 32; i++) {
      const q = view.getInt8(block * 34 + 2 + i);
      // The half-step bound plus the f16 rounding of the scale (relative 2^-11, times 127 steps).
      expect(Math.abs(q * scale - slice[i])).toBeLessThanOrEqual(scale * (0.5 + 127 / 2048));
    }
  }
  expect(toQ8_0Bytes(new Float32Array(32)).every((b) => b === 0)).toBe(true);
});

test('F16 rounds to nearest even', () => {
  const halves = new Uint16Array(
    toF16Bytes(Float32Array.from([1, 1 + 2 ** -11, -2, 65504])).buffer,
  );
  expect(Array.from(halves, (h) => h.toString(16))).toEqual(['3c00', '3c00', 'c000', '7bff']);
});
