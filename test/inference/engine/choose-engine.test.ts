import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../inference/src/config';
import { chooseEngine } from '../../../inference/src/engine/choose-engine';
import { chooseGguf, ggufCandidates } from '../../../inference/src/models/gguf-choice';
import { TINY_GGUF, TINY_GGUF_DIR, TINY_MODEL } from '../../helpers/model-paths';
import { tempDir } from '../../helpers/temp-dir';

const HUB = { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent', offline: true };
const choose = (model: string, more: object = {}) =>
  chooseEngine({ model, revision: 'main', gguf: {}, hub: HUB, ...more });

test('ENGINE wins; else a .gguf file or a folder of them is llama.cpp, onnx/ is ONNX', async () => {
  const mixed = tempDir('mixed');
  mkdirSync(join(mixed, 'onnx'));
  copyFileSync(join(TINY_MODEL, 'onnx', 'model.onnx'), join(mixed, 'onnx', 'model.onnx'));
  copyFileSync(TINY_GGUF, join(mixed, 'model.gguf'));
  expect(await choose(TINY_GGUF)).toBe('llamacpp');
  expect(await choose(TINY_GGUF_DIR)).toBe('llamacpp');
  expect(await choose(TINY_MODEL)).toBe('onnx');
  // A transformers.js folder that also carries a GGUF file stays on its ONNX weights.
  expect(await choose(mixed)).toBe('onnx');
  expect(await choose(mixed, { gguf: { quant: 'F32' } })).toBe('llamacpp');
  expect(await choose(TINY_MODEL, { engine: 'llamacpp' })).toBe('llamacpp');
  // Not on disk nor a Hub id: the ONNX engine explains what is missing.
  expect(await choose('./no/such/folder')).toBe('onnx');
  // Offline, a Hub id is llama.cpp's only if its GGUF files are in the cache.
  expect(await choose('acme/tiny-GGUF')).toBe('onnx');
});

test('GGUF candidates: split models are one, vision projectors none, names sorted', () => {
  const files = [
    'README.md',
    'big-Q4_K_M-00002-of-00002.gguf',
    'big-Q4_K_M-00001-of-00002.gguf',
    'mmproj-model-f16.gguf',
    'sub/model-IQ4_XS.gguf',
    'model-Q4_K_M.gguf',
    'model-Q4_K_S.gguf',
  ];
  expect(ggufCandidates(files)).toEqual([
    {
      path: 'big-Q4_K_M-00001-of-00002.gguf',
      parts: ['big-Q4_K_M-00001-of-00002.gguf', 'big-Q4_K_M-00002-of-00002.gguf'],
    },
    { path: 'model-Q4_K_M.gguf', parts: ['model-Q4_K_M.gguf'] },
    { path: 'model-Q4_K_S.gguf', parts: ['model-Q4_K_S.gguf'] },
    { path: 'sub/model-IQ4_XS.gguf', parts: ['sub/model-IQ4_XS.gguf'] },
  ]);
  // A label matches as a whole word, in any case: Q4_K is not Q4_K_M, Q4_XS is not IQ4_XS.
  const some = files.filter((f) => !f.startsWith('big'));
  expect(chooseGguf(some, { quant: 'q4_k_m' }, 'repo').path).toBe('model-Q4_K_M.gguf');
  expect(() => chooseGguf(some, { quant: 'Q4_K' }, 'repo')).toThrow(
    'no GGUF file for quantization Q4_K',
  );
  expect(() => chooseGguf(some, { quant: 'Q4_XS' }, 'repo')).toThrow(
    'no GGUF file for quantization Q4_XS',
  );
  expect(() => chooseGguf(files, { quant: 'Q4_K_M' }, 'r')).toThrow(
    'r has several GGUF files for quantization Q4_K_M: big-Q4_K_M-00001-of-00002.gguf, model-Q4_K_M.gguf; name one with GGUF_FILE',
  );
  expect(chooseGguf(files, { file: 'big-Q4_K_M-00002-of-00002.gguf' }, 'r').parts).toHaveLength(2);
});

test('GGUF_FILE, QUANT, THREADS and CONTEXT_SIZE are checked with the rest of the settings', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({}, env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };
  expect(problems({ GGUF_FILE: 'a.gguf', QUANT: 'Q4_K_M' })).toEqual([
    'QUANT ("Q4_K_M"): GGUF_FILE already names the file; set one of GGUF_FILE and QUANT',
  ]);
  expect(problems({ THREADS: '0', CONTEXT_SIZE: 'big' })).toEqual([
    'THREADS ("0"): Too small: expected number to be >=1',
    'CONTEXT_SIZE ("big"): Invalid input: expected number, received NaN',
  ]);
  expect(problems({ ENGINE: 'onnx', QUANT: 'Q8_0' })).toEqual([
    'QUANT ("Q8_0"): QUANT chooses a GGUF file for ENGINE=llamacpp, but ENGINE is onnx',
  ]);
  expect(problems({ QUANT: 'Q4 K M' })).toEqual([
    'QUANT ("Q4 K M"): a quantization label such as Q4_K_M, Q8_0 or F16',
  ]);
  expect(problems({ ENGINE: 'vllm' })[0]).toMatch(
    /^ENGINE \("vllm"\): Invalid option: expected one of "onnx"\|"llamacpp"/,
  );
  const config = loadConfig({}, { MODEL: TINY_GGUF, THREADS: '2', CONTEXT_SIZE: '256' });
  expect(config).toMatchObject({
    engine: undefined,
    threads: 2,
    contextSize: 256,
    servedModelName: 'tiny-f32',
  });
});
