/** Scheduling facts shared by the Kubernetes platforms that make their own nodes (aws, gcp). */

/** Label every llm-deploy node carries: `system` or `gpu`. GPU pods select `gpu`. */
export const POOL_LABEL = 'llm-deploy/pool';

/** Taint on GPU nodes so only pods that tolerate it (GPU pods) land there. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' } as const;

/** The extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';
