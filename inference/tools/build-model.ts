/**
 * Writes a GPT-2-architecture test model with deterministic random weights and GPT-2's real
 * vocabulary. No Python, no download.
 *
 *   node inference/dist/tools/build-model.js --preset tiny --out inference/models/tiny \
 *     --gguf-out inference/models/tiny-gguf        (also tiny-f32.gguf, tiny-f16.gguf, tiny-q8_0.gguf)
 *   node inference/dist/tools/build-model.js --preset gpt2-small --out .bench/gpt2-small
 *   node inference/dist/tools/build-model.js --n-embd 128 --n-layer 4 --n-head 4 --out /tmp/m
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  GGUF_TYPES,
  ggufFileName,
  writeGpt2GgufFiles,
  type GgufTypeName,
  PRESETS,
  validateShape,
  writeGpt2Model,
  GPT2_VOCAB_SIZE,
  type Gpt2Shape,
} from './model-builder';

const USAGE =
  'usage: build-model --out DIR [--preset tiny|gpt2-small] [--seed N] [--n-embd N --n-layer N --n-head N --n-positions N] [--external-data] [--chat-template] [--gguf-out DIR [--gguf-types f32,f16,q8_0]] [--if-missing]';

/** The flag that sets each shape field, so errors name what the user typed. */
const FLAGS: Record<keyof Gpt2Shape, string> = {
  nEmbd: '--n-embd',
  nLayer: '--n-layer',
  nHead: '--n-head',
  nPositions: '--n-positions',
  vocabSize: 'the vocabulary size',
};

function fail(message: string): never {
  console.error(`build-model: ${message}\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) fail(`--${name} (${value}) must be an integer`);
  return n;
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string' },
        preset: { type: 'string', default: 'tiny' },
        seed: { type: 'string', default: '1' },
        'n-embd': { type: 'string' },
        'n-layer': { type: 'string' },
        'n-head': { type: 'string' },
        'n-positions': { type: 'string' },
        'external-data': { type: 'boolean' },
        'chat-template': { type: 'boolean' },
        'gguf-out': { type: 'string' },
        'gguf-types': { type: 'string', default: Object.keys(GGUF_TYPES).join(',') },
        'if-missing': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.out) fail('--out is required');
  const preset = PRESETS[values.preset];
  if (!preset)
    fail(`unknown --preset "${values.preset}"; choose one of ${Object.keys(PRESETS).join(', ')}`);
  const out = resolve(values.out);
  const ggufOut = values['gguf-out'] === undefined ? undefined : resolve(values['gguf-out']);
  const ggufTypes = parseGgufTypes(values['gguf-types']);
  const ggufFiles = ggufOut
    ? ggufTypes.map((t) => join(ggufOut, ggufFileName(values.preset, t)))
    : [];
  if (values['if-missing'] && [join(out, 'onnx', 'model.onnx'), ...ggufFiles].every(existsSync)) {
    console.error(`build-model: ${out} already holds a model; leaving it`);
    return;
  }
  const shape = {
    nEmbd: integer('n-embd', values['n-embd']) ?? preset.shape.nEmbd,
    nLayer: integer('n-layer', values['n-layer']) ?? preset.shape.nLayer,
    nHead: integer('n-head', values['n-head']) ?? preset.shape.nHead,
    nPositions: integer('n-positions', values['n-positions']) ?? preset.shape.nPositions,
  };
  const problems = validateShape({ ...shape, vocabSize: GPT2_VOCAB_SIZE }, (key) => FLAGS[key]);
  if (ggufOut && ggufTypes.includes('q8_0') && shape.nEmbd % 32 !== 0) {
    problems.push(
      `--n-embd (${shape.nEmbd}) must be a multiple of 32 for Q8_0 GGUF (blocks of 32)`,
    );
  }
  if (problems.length > 0) fail(problems.join('; '));
  const seed = integer('seed', values.seed) ?? 1;
  const started = Date.now();
  const built = writeGpt2Model(out, {
    shape,
    seed,
    externalData: values['external-data'] ?? preset.externalData,
    chatTemplate: values['chat-template'] ?? preset.chatTemplate,
  });
  // The same weights and tokenizer as GGUF files for the llama.cpp engine.
  if (ggufOut) {
    writeGpt2GgufFiles(ggufOut, {
      shape: built.shape,
      weights: built.weights,
      types: ggufTypes,
      baseName: values.preset,
      chatTemplate: values['chat-template'] ?? preset.chatTemplate,
    });
  }
  const millions = (built.parameters / 1e6).toFixed(1);
  const also = ggufOut ? ` and ${ggufTypes.join(', ')} GGUF to ${ggufOut}` : '';
  console.error(
    `build-model: wrote ${millions}M-parameter GPT-2 (seed ${seed}) to ${out}${also} in ${Date.now() - started} ms`,
  );
}

function parseGgufTypes(list: string): GgufTypeName[] {
  const types = list.split(',').filter(Boolean);
  const unknown = types.filter((t) => !(t in GGUF_TYPES));
  if (unknown.length > 0 || types.length === 0) {
    fail(`--gguf-types (${list}): choose from ${Object.keys(GGUF_TYPES).join(', ')}`);
  }
  return types as GgufTypeName[];
}

main();
