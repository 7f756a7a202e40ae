/**
 * A GGUF model llama.cpp cannot load is one clear line, never a native crash: checked by us before
 * llama.cpp opens the file, and from the command line, where it is one line and exit 1.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LlamaCppBackend } from '../../../../inference/src/engine/llamacpp';
import { ModelLoadError } from '../../../../inference/src/errors';
import { assertBuildIsFresh, runCli } from '../../../helpers/cli';
import { TINY_GGUF, TINY_GGUF_DIR } from '../../../helpers/model-paths';
import { tempDir } from '../../../helpers/temp-dir';

const HUB = { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent', offline: true };
const good = readFileSync(TINY_GGUF);
let dir: string;

/** The tiny F32 model with `edit` applied, written as `name`. */
function variant(name: string, edit: (bytes: Buffer) => Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, edit(Buffer.from(good)));
  return path;
}

/** The same bytes with general.architecture's value "gpt2" replaced by `architecture` (4 letters). */
function withArchitecture(bytes: Buffer, architecture: string): Buffer {
  const key = Buffer.from('general.architecture', 'latin1');
  const at = bytes.indexOf(key) + key.length + 4 + 8;
  if (bytes.subarray(at, at + 4).toString('latin1') !== 'gpt2') throw new Error('layout changed');
  bytes.write(architecture, at, 'latin1');
  return bytes;
}

let cases: { name: string; model: string; message: RegExp; env?: Record<string, string> }[];
beforeAll(() => {
  dir = tempDir('bad-gguf');
  const several = join(dir, 'several');
  mkdirSync(several);
  copyFileSync(TINY_GGUF, join(several, 'a-Q8_0.gguf'));
  copyFileSync(TINY_GGUF, join(several, 'a-F16.gguf'));
  cases = [
    {
      name: 'wrong magic',
      model: variant('zip.gguf', (b) => Buffer.concat([Buffer.from('PK\x03\x04'), b.subarray(4)])),
      message: /is not a GGUF file: it starts with "PK\\u0003\\u0004", not "GGUF"/,
    },
    { name: 'empty', model: variant('empty.gguf', () => Buffer.alloc(0)), message: /has 0 bytes/ },
    {
      name: 'truncated in the metadata',
      model: variant('cut-header.gguf', (b) => b.subarray(0, 100_000)),
      message:
        /it is truncated: (the length of )?metadata "tokenizer\.ggml\.tokens"\[\d+\] at byte \d+ runs past the end of the file \(100000 bytes\)/,
    },
    {
      name: 'truncated in the weights',
      model: variant('cut-data.gguf', (b) => b.subarray(0, b.length - 1000)),
      message:
        /it is truncated: tensor "blk\.1\.ffn_down\.\w+" ends at byte \d+ but the file has \d+ bytes/,
    },
    {
      name: 'a GGUF version llama.cpp does not read',
      model: variant('v9.gguf', (b) => (b.writeUInt32LE(9, 4), b)),
      message: /it is GGUF version 9; llama\.cpp reads versions 2 and 3/,
    },
    {
      name: 'a corrupt tensor count',
      model: variant('count.gguf', (b) => (b.writeBigUInt64LE(2n ** 40n, 8), b)),
      message: /it claims 1099511627776 tensors: the header is corrupt/,
    },
    {
      name: 'an architecture llama.cpp does not run',
      model: variant('arch.gguf', (b) => withArchitecture(b, 'gpx9')),
      message:
        /is a "gpx9" model, an architecture the llama\.cpp in node-llama-cpp 3\.22\.1 does not run/,
    },
    {
      name: 'not a .gguf file',
      model: join(TINY_GGUF_DIR, '..', 'tiny', 'config.json'),
      message: /is not a \.gguf file/,
      env: { ENGINE: 'llamacpp' },
    },
    {
      name: 'a folder without GGUF files',
      model: join(TINY_GGUF_DIR, '..', 'tiny'),
      message: /holds no \.gguf file/,
      env: { ENGINE: 'llamacpp' },
    },
    {
      name: 'a folder with several and no choice',
      model: several,
      message: /holds several GGUF files \(a-F16\.gguf, a-Q8_0\.gguf\); choose one with QUANT/,
    },
    {
      name: 'a GGUF_FILE the folder does not have',
      model: several,
      message: /has no GGUF file "a-Q4_K_M\.gguf" \(GGUF_FILE\); it has a-F16\.gguf, a-Q8_0\.gguf/,
      env: { GGUF_FILE: 'a-Q4_K_M.gguf' },
    },
    {
      name: 'a QUANT the folder does not have',
      model: several,
      message: /has no GGUF file for quantization Q4_K_M \(QUANT\)/,
      env: { QUANT: 'Q4_K_M' },
    },
  ];
});

test('every bad model is a ModelLoadError of one line, raised before llama.cpp opens the file', async () => {
  for (const c of cases) {
    const error = await LlamaCppBackend.load({
      model: c.model,
      revision: 'main',
      gguf: { file: c.env?.GGUF_FILE, quant: c.env?.QUANT },
      device: 'cpu',
      hub: HUB,
      sequences: 1,
      threads: 1,
    }).then(
      () => new Error('loaded'),
      (e: unknown) => e,
    );
    expect({ name: c.name, type: (error as Error).constructor.name }).toEqual({
      name: c.name,
      type: ModelLoadError.name,
    });
    expect((error as Error).message).toMatch(c.message);
    expect((error as Error).message).not.toContain('\n');
  }
});

test('from the command line: one line on stderr, exit 1, for the worst of them', async () => {
  assertBuildIsFresh();
  for (const c of cases.filter((c) => /magic|weights|architecture|version/.test(c.name))) {
    const result = await runCli(['predict', '--model', c.model, '-i', 'prompt=Hello'], {
      HF_HUB_OFFLINE: 'true',
      THREADS: '1',
      ...c.env,
    });
    expect({ name: c.name, code: result.code }).toEqual({ name: c.name, code: 1 });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^llm-deploy: /);
    expect(lines[0]).toMatch(c.message);
  }
});
