/** ClusterAddons switches: which releases a stack gets, with which pinned charts and values. */
import { CHARTS } from '../../infra/components/cluster-addons';
import { allSchemaErrors } from '../helpers/kube-schema';
import { kubeObjects, runProgram } from '../helpers/pulumi-program';
import { withSecrets } from '../helpers/stacks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BASE = {
  'llm-deploy:target': 'onprem',
  'llm-deploy:prometheusUrl': 'http://prometheus.monitoring.svc:9090',
  'llm-deploy:onprem': JSON.stringify({
    kubeconfigPath: '/k',
    registry: { server: 'reg.local', username: 'u' },
  }),
};

async function releasesFor(overrides: Record<string, string>) {
  const run = await runProgram({
    stack: 'addons',
    ...withSecrets({ ...BASE, ...overrides }, ['registryPassword']),
  });
  expect(run.error).toBeUndefined();
  expect(allSchemaErrors(kubeObjects(run).map((o) => o.object))).toEqual([]);
  return run.records
    .filter((r) => r.type === 'kubernetes:helm.sh/v3:Release')
    .map((r) => r.inputs as Obj);
}

test('the GPU Operator replaces the device plugin by option, tolerating the GPU taints', async () => {
  const releases = await releasesFor({
    'llm-deploy:gpusPerReplica': '2',
    'llm-deploy:addonGpu': 'gpuOperator',
  });
  const operator = releases.find((r) => r.chart === 'gpu-operator')!;
  expect(operator).toMatchObject({
    version: CHARTS.gpuOperator.version,
    repositoryOpts: { repo: CHARTS.gpuOperator.repo },
    namespace: 'gpu-operator',
    createNamespace: true,
  });
  expect(operator.values.daemonsets.tolerations).toEqual([
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
  ]);
  expect(releases.map((r) => r.chart)).not.toContain('nvidia-device-plugin');
});

test('a CPU stack installs no GPU add-on; each add-on switches off', async () => {
  expect((await releasesFor({})).map((r) => r.chart).sort()).toEqual([
    'cert-manager',
    'ingress-nginx',
    'keda',
  ]);
  const none = await releasesFor({
    'llm-deploy:addonIngressNginx': 'false',
    'llm-deploy:addonCertManager': 'false',
    'llm-deploy:addonKeda': 'false',
    'llm-deploy:gpusPerReplica': '1',
    'llm-deploy:addonGpu': 'none',
  });
  expect(none).toEqual([]);
});

test('ingress-nginx takes the configured class and namespace', async () => {
  const releases = await releasesFor({
    'llm-deploy:ingressClass': 'public',
    'llm-deploy:ingressControllerNamespace': 'edge-ingress',
  });
  const nginx = releases.find((r) => r.chart === 'ingress-nginx')!;
  expect(nginx.namespace).toBe('edge-ingress');
  expect(nginx.values.controller.ingressClassResource.name).toBe('public');
});
