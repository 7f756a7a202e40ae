import type { GpuScheduling } from '../model';

/** Scheduling facts shared by the Kubernetes platforms that make their own nodes (aws, gcp). */

/** Label every llm-deploy node carries: `system` or `gpu`. GPU pods select `gpu`. */
export const POOL_LABEL = 'llm-deploy/pool';

/** Taint on GPU nodes so only pods that tolerate it (GPU pods) land there. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' } as const;

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** How GPU pods find the GPU nodes aws and gcp make: our pool label (plus any extra) and the taint. */
export function poolGpuScheduling(extraSelector: Record<string, string> = {}): GpuScheduling {
  return {
    resourceName: GPU_RESOURCE,
    nodeSelector: { [POOL_LABEL]: 'gpu', ...extraSelector },
    taints: [{ ...GPU_TAINT }],
    // The GPU node group scales (from zero) with its pending pods.
    gpuNodesAutoscale: true,
  };
}
