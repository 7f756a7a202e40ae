// What the vLLM engine is told (runtime vllm), shared by the Kubernetes pod and the edge
// containers. Flags and variables as vLLM's documentation names them: `vllm serve` (v0.12.0,
// docs.vllm.ai/en/v0.12.0/cli/serve/), engine arguments (v0.8.5, .../serving/engine_args.html),
// environment variables and usage stats (.../configuration/env_vars/, .../usage/usage_stats/).
import type { ServerEnv } from './server-env';
import type { ServiceSettings, VllmSettings } from './settings';

/** vLLM's port (its default); in a pod it listens on loopback, where only the gateway is. */
export const VLLM_PORT = 8000;

/**
 * The `vllm serve` flags llm-deploy sets, each from the key a user sets instead; extraArgs may
 * not repeat them (vLLM would take the later one and the stack would lie).
 */
export const MANAGED_VLLM_FLAGS: Readonly<Record<string, string>> = {
  '--model': 'llm-deploy:model',
  '--revision': 'llm-deploy:modelRevision',
  '--served-model-name': 'llm-deploy:servedModelName',
  '--host': 'nothing (loopback in a pod, the private network on edge)',
  '--port': 'nothing (the gateway expects 8000)',
  '--tensor-parallel-size': 'llm-deploy:gpusPerReplica',
  '--max-num-seqs': 'llm-deploy:maxConcurrent',
  '--dtype': 'llm-deploy:vllm.dtype',
  '--max-model-len': 'llm-deploy:vllm.maxModelLen',
  '--gpu-memory-utilization': 'llm-deploy:vllm.gpuMemoryUtilization',
  '--quantization': 'llm-deploy:vllm.quantization',
  '--download-dir': 'nothing (weights go to the model cache volume through HF_HOME)',
};

/** Generations at once when the stack does not say: the gateway's MAX_CONCURRENT and vLLM's --max-num-seqs. */
export const DEFAULT_VLLM_MAX_CONCURRENT = 256;

/** The name clients use, and the one vLLM serves the model under (so the gateway asks for it). */
export function servedModelName(service: ServiceSettings): string {
  return service.model.servedName ?? service.model.id ?? '';
}

/** `vllm serve` arguments (after the image's entrypoint), listening on `host`. */
export function vllmServeArgs(
  service: ServiceSettings,
  vllm: VllmSettings,
  host: string,
): string[] {
  const flag = (name: string, value: string | number | undefined) =>
    value === undefined ? [] : [name, String(value)];
  return [
    ...flag('--model', service.model.id),
    ...flag('--revision', service.model.revision),
    ...flag('--served-model-name', servedModelName(service)),
    ...flag('--host', host),
    ...flag('--port', VLLM_PORT),
    // One replica's GPUs hold one copy of the model, split across them.
    ...flag('--tensor-parallel-size', Math.max(1, service.resources.gpus)),
    ...flag('--max-num-seqs', service.maxConcurrent ?? DEFAULT_VLLM_MAX_CONCURRENT),
    ...flag('--dtype', vllm.dtype),
    ...flag('--max-model-len', vllm.maxModelLen),
    ...flag('--gpu-memory-utilization', vllm.gpuMemoryUtilization),
    ...flag('--quantization', vllm.quantization),
    ...vllm.extraArgs,
  ];
}

/**
 * vLLM's environment when its root filesystem is read-only: HOME and the XDG roots (vLLM's
 * cache and config roots follow them) on a writable volume, Hub downloads under `hfHome`, a
 * user name for libraries that ask for one (the uid has no passwd entry), and no usage reports
 * (vLLM sends anonymous usage data unless told not to).
 */
export function vllmEnv(paths: { home: string; hfHome: string }): Record<string, string> {
  return {
    HOME: paths.home,
    XDG_CACHE_HOME: `${paths.home}/.cache`,
    XDG_CONFIG_HOME: `${paths.home}/.config`,
    HF_HOME: paths.hfHome,
    USER: 'vllm',
    VLLM_NO_USAGE_STATS: '1',
    DO_NOT_TRACK: '1',
    HF_HUB_DISABLE_TELEMETRY: '1',
  };
}

/** Our server as the gateway in front of the engine at `engineUrl`. */
export function gatewayEnv(service: ServiceSettings, engineUrl: string): ServerEnv {
  const name = servedModelName(service);
  return {
    ENGINE: 'openai-upstream',
    UPSTREAM_URL: engineUrl,
    UPSTREAM_MODEL: name,
    SERVED_MODEL_NAME: name,
    // The engine downloads and loads the model while the gateway waits for it.
    UPSTREAM_READY_TIMEOUT_SECONDS: String(service.modelLoadSeconds),
    MAX_CONCURRENT: String(service.maxConcurrent ?? DEFAULT_VLLM_MAX_CONCURRENT),
  };
}
