/** The policy helpers catch what they claim to: each broken object yields its violation. */
import { planInferenceObjects, type InferenceSpec } from '../../infra/manifests';
import { parseStackConfig } from '../../infra/config/parse';
import {
  gpuViolations,
  ingressViolations,
  plainSecretViolations,
  workloadViolations,
} from '../helpers/policy';
import { allSchemaErrors } from '../helpers/kube-schema';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GPU = {
  resourceName: 'nvidia.com/gpu',
  nodeSelector: { 'nvidia.com/gpu.present': 'true' },
  taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' as const }],
};

function objects(overrides: Record<string, unknown> = {}): Obj[] {
  const config = parseStackConfig({
    host: 'llm.example.com',
    apiKeys: 'k',
    acmeEmail: 'a@b.co',
    gpusPerReplica: '1',
    ...overrides,
  });
  const spec: InferenceSpec = {
    service: config.service,
    image: 'r/x@sha256:' + '1'.repeat(64),
    gpu: GPU,
    managedBy: 'gitops',
    pullSecret: false,
  };
  return JSON.parse(JSON.stringify(planInferenceObjects(spec)));
}
const deployment = (list: Obj[]) => list.find((o) => o.kind === 'Deployment')!;
const container = (list: Obj[]) => deployment(list).spec.template.spec.containers[0];

test('a compliant plan has no violations', () => {
  const list = objects();
  expect([
    ...workloadViolations(list),
    ...gpuViolations(list, GPU),
    ...ingressViolations(list),
    ...allSchemaErrors(list),
  ]).toEqual([]);
});

test('workload policy catches root, writable root, capabilities, escalation, missing limits and probes', () => {
  const list = objects();
  const c = container(list);
  c.securityContext = {
    runAsNonRoot: false,
    readOnlyRootFilesystem: false,
    allowPrivilegeEscalation: true,
    capabilities: { add: ['NET_ADMIN'] },
  };
  delete c.resources.limits.memory;
  delete c.livenessProbe;
  expect(workloadViolations(list)).toEqual([
    'Deployment/llm container server may run as root',
    'Deployment/llm container server has a writable root filesystem',
    'Deployment/llm container server keeps Linux capabilities',
    'Deployment/llm container server adds capabilities',
    'Deployment/llm container server allows privilege escalation',
    'Deployment/llm container server has no memory limit',
    'Deployment/llm container server has no livenessProbe',
  ]);
});

test('GPU policy catches a GPU pod without toleration and a CPU pod with one', () => {
  const list = objects();
  delete deployment(list).spec.template.spec.tolerations;
  expect(gpuViolations(list, GPU)).toEqual([
    'Deployment/llm requests a GPU without tolerating nvidia.com/gpu:NoSchedule',
  ]);
  const cpu = objects({ gpusPerReplica: '0' });
  deployment(cpu).spec.template.spec.tolerations = [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
  ];
  expect(gpuViolations(cpu, GPU)).toEqual([
    'Deployment/llm tolerates GPU taint nvidia.com/gpu without requesting a GPU',
  ]);
});

test('ingress policy catches a wrong port, a missing Service and a host without TLS', () => {
  const list = objects();
  const ingress = list.find((o) => o.kind === 'Ingress')!;
  ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 9999 };
  ingress.spec.tls = [];
  expect(ingressViolations(list)).toEqual([
    'Ingress/llm serves llm.example.com without TLS',
    'Ingress/llm routes to port 9999 that Service llm does not expose',
  ]);
  ingress.spec.rules[0].http.paths[0].backend.service = { name: 'other', port: { number: 8080 } };
  expect(ingressViolations(list)).toContain(
    'Ingress/llm routes to Service other, which does not exist',
  );
  const service = list.find((o) => o.kind === 'Service')!;
  service.spec.ports[0].targetPort = 'web';
  ingress.spec.rules[0].http.paths[0].backend.service = { name: 'llm', port: { number: 8080 } };
  expect(ingressViolations(list)).toContain(
    'Service llm targets port web, which no selected container declares',
  );
});

test('secret policy catches a plain secret env and a secret value in a ConfigMap', () => {
  const list = objects();
  container(list).env.push({ name: 'HF_TOKEN', value: 'hf_plain' });
  list.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm' },
    data: { key: 'sk-live-secret' },
  });
  expect(plainSecretViolations(list, ['sk-live-secret', 'hf_plain'])).toEqual([
    'Deployment/llm contains a secret value in plain text',
    'Deployment/llm sets HF_TOKEN as a plain value',
    'ConfigMap/cm contains a secret value in plain text',
  ]);
});

test('schema validation catches a bad quantity and a misspelt HTTPScaledObject field', () => {
  const list = objects({ scaleToZero: 'true' });
  container(list).resources.limits.cpu = 'two';
  list.find((o) => o.kind === 'HTTPScaledObject')!.spec.scaleTargetRef.prot = 8080;
  const errors = allSchemaErrors(list);
  expect(errors.some((e) => e.startsWith('Deployment/llm: ') && e.includes('limits/cpu'))).toBe(
    true,
  );
  expect(errors).toContain('HTTPScaledObject/llm: data/spec/scaleTargetRef/prot is not a field');
  expect(
    allSchemaErrors([{ apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'u' } }]),
  ).toEqual(['Unknown/u: no schema known for example.com/v1/Unknown']);
});
