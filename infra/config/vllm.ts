import { parseQuantity } from '../lib/quantity';
import {
  DEFAULT_VLLM_MAX_CONCURRENT,
  MANAGED_VLLM_FLAGS,
  PINNED_BY_DIGEST,
  type ServiceSettings,
  type VllmDtype,
  type VllmSettings,
} from '../model';
import type { ConfigProblem } from './errors';
import { fullKey, show } from './reader';
import { SectionReader } from './section';

const FIELDS = [
  'image',
  'dtype',
  'maxModelLen',
  'gpuMemoryUtilization',
  'quantization',
  'extraArgs',
] as const;
const DTYPES: readonly VllmDtype[] = ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32'];

/** How to pin vLLM's published image; llm-deploy ships no digest it could not check. */
const HOW_TO_PIN =
  'pick a release at https://hub.docker.com/r/vllm/vllm-openai/tags, read its digest with ' +
  '`docker buildx imagetools inspect vllm/vllm-openai:<version>` (the Digest line) or ' +
  "`skopeo inspect --format '{{.Digest}}' docker://docker.io/vllm/vllm-openai:<version>`, then " +
  'set image: vllm/vllm-openai:<version>@sha256:<digest>';

export interface VllmContext {
  /** `llm-deploy:dtype` was set: it belongs to the onnx runtime. */
  dtypeSet: boolean;
  /** `llm-deploy:shmSize` was set: otherwise it is sized for tensor parallelism. */
  shmSizeSet: boolean;
}

/**
 * `llm-deploy:vllm` and the shared keys runtime vllm reads differently; returns the service
 * with its vLLM settings and the defaults that runtime implies.
 */
export function readVllmSection(
  raw: unknown,
  service: ServiceSettings,
  context: VllmContext,
): { service: ServiceSettings; problems: ConfigProblem[] } {
  const r = new SectionReader('vllm', raw);
  if (service.runtime !== 'vllm') {
    if (raw !== undefined)
      r.problem(
        '',
        raw,
        'is read only with llm-deploy:runtime vllm',
        'set runtime vllm, or drop it',
      );
    return { service, problems: r.problems };
  }
  r.rejectUnknown(FIELDS);
  const vllm: VllmSettings = {
    image: readImage(r),
    dtype: r.optionalOneOf('dtype', DTYPES) ?? 'auto',
    maxModelLen: r.optionalNumber('maxModelLen', { integer: true, min: 16, max: 10_000_000 }),
    gpuMemoryUtilization: r.optionalNumber('gpuMemoryUtilization', { min: 0.05, max: 1 }),
    quantization: r.optionalString('quantization'),
    extraArgs: readExtraArgs(r),
  };
  const resources = context.shmSizeSet
    ? service.resources
    : { ...service.resources, shmSize: tensorParallelShm(service.resources.gpus) };
  const read: ServiceSettings = {
    ...service,
    vllm,
    resources,
    maxConcurrent: service.maxConcurrent ?? DEFAULT_VLLM_MAX_CONCURRENT,
  };
  return { service: read, problems: [...r.problems, ...sharedKeyProblems(read, context)] };
}

/**
 * PyTorch shares tensors between vLLM's workers through /dev/shm, most for tensor parallelism
 * (vLLM's Docker notes); its Kubernetes example gives one GPU 2Gi: 2Gi per GPU here.
 */
function tensorParallelShm(gpus: number): string {
  return `${2 * Math.max(1, gpus)}Gi`;
}

function readImage(r: SectionReader): string {
  const image = r.optionalString('image');
  if (image === undefined) {
    r.problem(
      'image',
      undefined,
      'is required: the vLLM engine image, pinned by digest',
      HOW_TO_PIN,
    );
    return '';
  }
  if (!PINNED_BY_DIGEST.test(image))
    r.problem('image', image, 'is not pinned by digest (name@sha256:<64 hex digits>)', HOW_TO_PIN);
  return image;
}

function readExtraArgs(r: SectionReader): string[] {
  const args = r.optionalStringList('extraArgs') ?? [];
  for (const arg of args) {
    const flag = arg.split('=')[0];
    if (MANAGED_VLLM_FLAGS[flag]) {
      r.problem(
        'extraArgs',
        arg,
        `sets ${flag}, which llm-deploy sets from the stack`,
        `drop it and set ${MANAGED_VLLM_FLAGS[flag]}`,
      );
    }
  }
  if (args.length > 0 && !args[0].startsWith('--'))
    r.problem('extraArgs', args, 'must start with a flag', 'e.g. [--enable-prefix-caching]');
  return args;
}

/** The shared keys runtime vllm needs set its own way, reported under those keys. */
function sharedKeyProblems(service: ServiceSettings, context: VllmContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (key: string, value: unknown, why: string, fix: string) =>
    problems.push({ key: fullKey(key), value: show(value), why, fix });
  if (service.resources.gpus < 1) {
    problem(
      'gpusPerReplica',
      service.resources.gpus,
      'is 0, and runtime vllm serves on NVIDIA GPUs (their count is its tensor-parallel size)',
      'set gpusPerReplica to 1 or more, or runtime onnx',
    );
  }
  if (!service.model.id || !/^[\w.-]+\/[\w.-]+$/.test(service.model.id)) {
    problem(
      'model',
      service.model.id,
      'must be a Hugging Face Hub id with runtime vllm (vLLM downloads it; the embedded tiny model is ONNX)',
      'set model, e.g. tiiuae/falcon-rw-1b',
    );
  }
  if (context.dtypeSet) {
    problem(
      'dtype',
      service.model.dtype,
      "is the onnx runtime's precision",
      'drop it and set llm-deploy:vllm.dtype (auto, half, float16, bfloat16, float, float32)',
    );
  }
  const shm = parseQuantity(service.resources.shmSize) ?? 0;
  if (shm >= (parseQuantity(service.resources.memoryLimit) ?? 0)) {
    problem(
      'memoryLimit',
      service.resources.memoryLimit,
      `does not exceed /dev/shm (${service.resources.shmSize}), whose pages count against it`,
      'raise memoryLimit, or lower shmSize',
    );
  }
  return problems;
}
