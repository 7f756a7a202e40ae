export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface GpuTaint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

/** How GPU pods find GPU nodes on a cluster: what they request, select and tolerate. */
export interface GpuScheduling {
  /** Extended resource a GPU pod requests, e.g. `nvidia.com/gpu`. */
  resourceName: string;
  /** Labels a GPU pod's node must carry. */
  nodeSelector: Record<string, string>;
  /** Taints GPU nodes carry; GPU pods get matching tolerations, CPU pods none. */
  taints: GpuTaint[];
  /**
   * GPU nodes are added when a GPU pod has nowhere to run (aws and gcp node groups under an
   * autoscaler), so a rollout can start a new GPU pod before stopping an old one. Without it (an
   * on-prem cluster's fixed GPUs, typically all in use) GPU pods are replaced one at a time.
   * @default false
   */
  gpuNodesAutoscale?: boolean;
}
