/**
 * Shared reading of the cloud sections' node pools (`aws.gpuNodes`, `gcp.systemNodes`, ...) and
 * the problems the platforms' own validators find, in the stack config's problem format.
 */
import type { ArgProblem, ServiceSettings } from '../model';
import type { ConfigProblem } from './errors';
import { fullKey, show } from './reader';
import type { SectionReader } from './section';

/** A platform validator's problems, keyed under the section (`llm-deploy:aws.gpuNodes`). */
export function sectionProblems(section: string, problems: ArgProblem[]): ConfigProblem[] {
  return problems.map((p) => ({
    key: fullKey(`${section}.${p.field}`),
    value: p.value === '[secret]' ? '[secret]' : show(p.value),
    why: p.why,
    fix: p.fix,
  }));
}

/** A map of strings (labels, tags) at `path`. */
export function readStringMap(
  r: SectionReader,
  field: string,
  from: Record<string, unknown> = r.object,
  path = field,
): Record<string, string> | undefined {
  const object = r.nested(field, from, path);
  if (!object) return undefined;
  if (Object.values(object).some((v) => typeof v !== 'string')) {
    r.problem(path, object, 'must be a map of strings', 'quote every value');
    return undefined;
  }
  return object as Record<string, string>;
}

/** GPU nodes the workload needs at most: one GPU node per replica with the default one-GPU types. */
export function defaultGpuNodeMax(service: ServiceSettings): number {
  return Math.max(1, service.scaling.maxReplicas * Math.max(1, service.resources.gpus));
}

/**
 * Rules between the workload and the cluster: enough GPUs at the node group's maximum for the
 * workload's maximum, and a model cache the platform's ReadWriteOnce disks can serve.
 */
export function clusterFitProblems(
  r: SectionReader,
  service: ServiceSettings,
  gpu: { maxNodes: number; gpusPerNode: number; maxKey: string },
  defaultStorage: string,
): void {
  const needed = service.scaling.maxReplicas * service.resources.gpus;
  const available = gpu.maxNodes * gpu.gpusPerNode;
  // An unpriced node type (0 GPUs known) is reported by the platform's own validator.
  if (gpu.gpusPerNode > 0 && needed > available) {
    r.problem(
      gpu.maxKey,
      gpu.maxNodes,
      `gives ${available} GPU(s), but maxReplicas ${service.scaling.maxReplicas} x gpusPerReplica ${service.resources.gpus} needs ${needed}`,
      `raise it to ${Math.ceil(needed / gpu.gpusPerNode)}, or lower llm-deploy:maxReplicas`,
    );
  }
  if (service.cache.kind === 'pvc' && !service.cache.storageClass) {
    r.problems.push({
      key: fullKey('modelCache'),
      value: show('pvc'),
      why: `a shared cache needs ReadWriteMany, and this platform's default StorageClass (${defaultStorage}) is ReadWriteOnce`,
      fix: 'use modelCache emptyDir (GPU node disks are sized for weights), or install a ReadWriteMany class (EFS, Filestore) and set llm-deploy:storageClass',
    });
  }
}
