import { StackConfigError } from '../../infra/config/errors';
import { parseStackConfig } from '../../infra/config/parse';

/** runtime vllm: what the stack must say, and what it may not, each problem named at once. */

const IMAGE = `vllm/vllm-openai:v0.12.0@sha256:${'ab'.repeat(32)}`;
const VALID: Record<string, unknown> = {
  target: 'onprem',
  runtime: 'vllm',
  model: 'tiiuae/falcon-rw-1b',
  gpusPerReplica: 2,
  memoryRequest: '12Gi',
  memoryLimit: '16Gi',
  registryPassword: 'pw',
  hfToken: 'hf_x',
  serviceMonitor: true,
  onprem: { kubeconfigPath: '/kube/config', registry: { server: 'reg:5000', username: 'ci' } },
  vllm: { image: IMAGE },
};

function problemsOf(overrides: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...VALID, ...overrides });
  } catch (error) {
    if (error instanceof StackConfigError)
      return error.message
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^ {2}- /, ''));
    throw error;
  }
  return [];
}

test('a valid stack: vLLM defaults, 256 generations at once, /dev/shm 2Gi per GPU', () => {
  const { service } = parseStackConfig(VALID);
  expect(service.runtime).toBe('vllm');
  expect(service.vllm).toEqual({ image: IMAGE, dtype: 'auto', extraArgs: [] });
  expect(service.maxConcurrent).toBe(256);
  expect(service.resources.shmSize).toBe('4Gi');
  const set = parseStackConfig({ ...VALID, shmSize: '3Gi', maxConcurrent: 32 }).service;
  expect(set.resources.shmSize).toBe('3Gi');
  expect(set.maxConcurrent).toBe(32);
});

test('the image is required and must be pinned by digest; the fix says how to read one', () => {
  const [missing] = problemsOf({ vllm: {} });
  expect(missing).toMatch(/^llm-deploy:vllm\.image = \(not set\): is required/);
  expect(missing).toMatch(/docker buildx imagetools inspect vllm\/vllm-openai:<version>/);
  const [byTag] = problemsOf({ vllm: { image: 'vllm/vllm-openai:latest' } });
  expect(byTag).toMatch(
    /^llm-deploy:vllm\.image = "vllm\/vllm-openai:latest": is not pinned by digest/,
  );
});

test('every misfit with the shared keys is named under its own key, all at once', () => {
  const problems = problemsOf({
    gpusPerReplica: 0,
    model: '',
    dtype: 'fp16',
    memoryLimit: '4Gi',
    memoryRequest: '4Gi',
    shmSize: '4Gi',
    vllm: {
      image: IMAGE,
      dtype: 'fp16',
      gpuMemoryUtilization: 1.5,
      extraArgs: ['--enable-prefix-caching', '--tensor-parallel-size=4'],
      typo: 1,
    },
  });
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^llm-deploy:vllm\.dtype = "fp16": must be one of auto, half/),
      expect.stringMatching(/^llm-deploy:vllm\.gpuMemoryUtilization = 1\.5: must be between/),
      expect.stringMatching(
        /^llm-deploy:vllm\.extraArgs = "--tensor-parallel-size=4": sets --tensor-parallel-size.*llm-deploy:gpusPerReplica/,
      ),
      expect.stringMatching(/^llm-deploy:vllm\.typo = 1: is not a field of this section/),
      expect.stringMatching(
        /^llm-deploy:gpusPerReplica = 0: is 0, and runtime vllm serves on NVIDIA GPUs/,
      ),
      expect.stringMatching(/^llm-deploy:model = \(not set\): must be a Hugging Face Hub id/),
      expect.stringMatching(/^llm-deploy:dtype = "fp16": is the onnx runtime's precision/),
      expect.stringMatching(/^llm-deploy:memoryLimit = "4Gi": does not exceed \/dev\/shm \(4Gi\)/),
    ]),
  );
});

test('the vllm section belongs to runtime vllm', () => {
  expect(problemsOf({ runtime: 'onnx', model: '', gpusPerReplica: 0 })).toEqual([
    expect.stringMatching(/^llm-deploy:vllm = .*: is read only with llm-deploy:runtime vllm/),
  ]);
  expect(problemsOf({ runtime: 'tgi' })).toEqual([
    expect.stringMatching(/^llm-deploy:runtime = "tgi": must be one of onnx, vllm/),
  ]);
});
