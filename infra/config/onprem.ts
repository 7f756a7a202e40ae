import { isDnsSubdomain } from '../lib/naming';
import { SectionReader } from './section';
import type { ConfigProblem } from './errors';
import type { GpuTaint, OnPremSettings, TaintEffect } from '../model';

const FIELDS = [
  'kubeconfigPath',
  'context',
  'gpuNodeLabels',
  'gpuTaints',
  'registry',
  'storageClass',
  'ingressServiceType',
] as const;
const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Labels NVIDIA's GPU feature discovery puts on GPU nodes, and the taint clusters commonly use. */
export const DEFAULT_GPU_NODE_LABELS = { 'nvidia.com/gpu.present': 'true' };
export const DEFAULT_GPU_TAINTS: GpuTaint[] = [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }];

export interface OnPremContext {
  kubeconfigSecretSet: boolean;
  registryPasswordSet: boolean;
  /** The registry is where the image is pushed and where pods pull it from. */
  needsRegistry: boolean;
  /** Check that the credentials to reach the cluster and registry are set (not when rendering). */
  checkCredentials: boolean;
}

/** `llm-deploy:onprem`: an existing cluster reached through a kubeconfig, and a private registry. */
export function readOnPremSection(
  raw: unknown,
  context: OnPremContext,
): { settings: OnPremSettings; problems: ConfigProblem[] } {
  const r = new SectionReader('onprem', raw);
  r.rejectUnknown(FIELDS);
  const kubeconfigPath = r.optionalString('kubeconfigPath');
  if (kubeconfigPath && context.kubeconfigSecretSet) {
    r.problem(
      'kubeconfigPath',
      kubeconfigPath,
      'is set together with the secret llm-deploy:kubeconfig; only one may say which cluster to use',
      'remove one of the two',
    );
  }
  if (!kubeconfigPath && !context.kubeconfigSecretSet && context.checkCredentials) {
    r.problem(
      'kubeconfigPath',
      undefined,
      'no kubeconfig is given for the on-prem cluster',
      'set onprem.kubeconfigPath (a file) or the secret llm-deploy:kubeconfig (its content)',
    );
  }
  const storageClass = r.optionalString('storageClass');
  const ingressServiceType = r.optionalString('ingressServiceType') ?? 'LoadBalancer';
  if (ingressServiceType !== 'LoadBalancer' && ingressServiceType !== 'NodePort') {
    r.problem(
      'ingressServiceType',
      ingressServiceType,
      'must be LoadBalancer or NodePort',
      'use NodePort on clusters without a load-balancer implementation',
    );
  }
  const settings: OnPremSettings = {
    ...(kubeconfigPath ? { kubeconfigPath } : {}),
    ...optional('context', r.optionalString('context')),
    gpuNodeLabels: r.stringMap('gpuNodeLabels', DEFAULT_GPU_NODE_LABELS),
    gpuTaints: readTaints(r),
    ...optional('registry', readRegistry(r, context)),
    ...optional('storageClass', storageClass),
    ingressServiceType: ingressServiceType === 'NodePort' ? 'NodePort' : 'LoadBalancer',
  };
  return { settings, problems: r.problems };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function readTaints(r: SectionReader): GpuTaint[] {
  const value = r.object.gpuTaints;
  if (value === undefined) return DEFAULT_GPU_TAINTS;
  if (!Array.isArray(value)) {
    r.problem(
      'gpuTaints',
      value,
      'must be a list of taints',
      'write [{ key: nvidia.com/gpu, effect: NoSchedule }], or [] when GPU nodes are not tainted',
    );
    return DEFAULT_GPU_TAINTS;
  }
  return value.flatMap((item: Record<string, unknown>, i): GpuTaint[] => {
    const path = `gpuTaints[${i}]`;
    const key = r.optionalString('key', item ?? {}, `${path}.key`);
    const taintValue = r.optionalString('value', item ?? {}, `${path}.value`);
    const effect = item?.effect;
    if (!key || !isDnsSubdomain(key.split('/').pop() ?? '')) {
      r.problem(
        `${path}.key`,
        key,
        'is not a taint key',
        'use the key your GPU nodes are tainted with, e.g. nvidia.com/gpu',
      );
      return [];
    }
    if (!EFFECTS.includes(effect as TaintEffect)) {
      r.problem(
        `${path}.effect`,
        effect,
        `must be one of ${EFFECTS.join(', ')}`,
        'copy the effect from `kubectl describe node` of a GPU node',
      );
      return [];
    }
    return [{ key, ...(taintValue ? { value: taintValue } : {}), effect: effect as TaintEffect }];
  });
}

function readRegistry(r: SectionReader, context: OnPremContext): OnPremSettings['registry'] {
  const value = r.object.registry;
  if (value === undefined) {
    if (context.needsRegistry)
      r.problem(
        'registry',
        undefined,
        'no registry to push the image to and pull it from',
        'set onprem.registry { server, repository, username } and the secret llm-deploy:registryPassword',
      );
    return undefined;
  }
  const object = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const server = r.optionalString('server', object, 'registry.server');
  const repository =
    r.optionalString('repository', object, 'registry.repository') ??
    (server ? `${server}/llm-deploy` : undefined);
  const username = r.optionalString('username', object, 'registry.username');
  if (!server)
    r.problem(
      'registry.server',
      object.server,
      'the registry host is missing',
      'set it to host[:port], e.g. registry.internal:5000',
    );
  if (!username)
    r.problem(
      'registry.username',
      object.username,
      'the registry user is missing',
      'set the user the image is pushed as',
    );
  if (server && repository && !repository.startsWith(`${server}/`)) {
    r.problem(
      'registry.repository',
      repository,
      `is not on registry.server (${server})`,
      `start it with ${server}/`,
    );
  }
  if (context.checkCredentials && !context.registryPasswordSet) {
    r.problems.push({
      key: 'llm-deploy:registryPassword',
      value: '(not set)',
      why: `the password to push to ${server ?? 'the registry'} is missing`,
      fix: 'pulumi config set --secret llm-deploy:registryPassword <password>',
    });
  }
  return server && repository && username ? { server, repository, username } : undefined;
}
