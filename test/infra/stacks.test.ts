/**
 * Every example stack through the real program under Pulumi mocks: the resources it declares,
 * their key fields, their schemas and the policy suite.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_GPU_TAINTS } from '../../infra/config/onprem';
import { allSchemaErrors } from '../helpers/kube-schema';
import {
  gpuViolations,
  ingressViolations,
  plainSecretViolations,
  pulumiSecretViolations,
  workloadViolations,
} from '../helpers/policy';
import {
  kubeObjects,
  runProgram,
  SECRET_SIG,
  unwrapSecrets,
  type ProgramRun,
} from '../helpers/pulumi-program';
import { exampleStackConfig, SECRET_TEXTS } from '../helpers/stacks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STACKS = {
  onprem: ['apiKeys', 'hfToken', 'registryPassword'],
  'onprem-cpu': ['apiKeys', 'registryPassword'],
  'onprem-internal': ['kubeconfig', 'registryPassword'],
} as const;

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  for (const [stack, secrets] of Object.entries(STACKS)) {
    runs[stack] = await runProgram({ stack, ...exampleStackConfig(stack, [...secrets]) });
  }
});

const objectsOf = (stack: string) => kubeObjects(runs[stack]).map((o) => o.object as Obj);
const find = (stack: string, kind: string, name?: string) =>
  objectsOf(stack).find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const types = (stack: string) => runs[stack].records.map((r) => `${r.type} ${r.name}`).sort();
const releases = (stack: string) =>
  runs[stack].records
    .filter((r) => r.type === 'kubernetes:helm.sh/v3:Release')
    .map((r) => r.inputs as Obj);

describe.each(Object.keys(STACKS))('example stack %s', (stack) => {
  test('declares its resources without error', () => {
    expect(runs[stack].error).toBeUndefined();
    expect(objectsOf(stack).length).toBeGreaterThan(6);
  });
  test('every Kubernetes object validates against its schema', () => {
    expect(allSchemaErrors(objectsOf(stack))).toEqual([]);
  });
  test('passes the workload, GPU, ingress and secret policies', () => {
    const gpu = {
      resourceName: 'nvidia.com/gpu',
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      taints:
        stack === 'onprem'
          ? [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const }]
          : DEFAULT_GPU_TAINTS,
    };
    const objects = objectsOf(stack);
    expect(workloadViolations(objects)).toEqual([]);
    expect(gpuViolations(objects, gpu)).toEqual([]);
    expect(ingressViolations(objects)).toEqual([]);
    expect(plainSecretViolations(objects, SECRET_TEXTS)).toEqual([]);
    expect(pulumiSecretViolations(runs[stack].records, SECRET_TEXTS)).toEqual([]);
  });
  test('outputs are plain (no secret) and carry no secret value', () => {
    expect(runs[stack].secretOutputs).toEqual([]);
    expect(Object.keys(runs[stack].outputs).sort()).toEqual([
      'costEstimate',
      'endpoint',
      'image',
      'imageDigest',
      'namespace',
      'openaiBaseUrl',
      'playgroundUrl',
    ]);
    const text = JSON.stringify(runs[stack].outputs);
    for (const secret of SECRET_TEXTS) expect(text).not.toContain(secret);
  });
  test('the Deployment runs the image by digest', () => {
    const deployment = find(stack, 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(runs[stack].outputs.image);
    expect(runs[stack].outputs.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    // On-prem GPUs are a fixed pool: a GPU rollout replaces pods one at a time (no spare GPU).
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(stack === 'onprem' ? 1 : 0);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(25);
  });
});

describe('onprem (GPU, KEDA, cert-manager, PVC cache, ServiceMonitor)', () => {
  test('declares exactly the expected resources', () => {
    expect(types('onprem')).toEqual(
      [
        'docker:index/image:Image image-build',
        'kubernetes:apps/v1:Deployment llm-prod-deployment',
        'kubernetes:cert-manager.io/v1:ClusterIssuer llm-prod-addons-cluster-issuer',
        'kubernetes:core/v1:ConfigMap llm-prod-addons-llm-deploy-dashboard',
        'kubernetes:core/v1:Namespace llm-prod-namespace',
        'kubernetes:core/v1:PersistentVolumeClaim llm-prod-model-cache-persistentvolumeclaim',
        'kubernetes:core/v1:Secret llm-prod-registry-secret',
        'kubernetes:core/v1:Secret llm-prod-secret',
        'kubernetes:core/v1:Service llm-prod-service',
        'kubernetes:core/v1:ServiceAccount llm-prod-serviceaccount',
        'kubernetes:helm.sh/v3:Release llm-prod-addons-cert-manager',
        'kubernetes:helm.sh/v3:Release llm-prod-addons-ingress-nginx',
        'kubernetes:helm.sh/v3:Release llm-prod-addons-keda',
        'kubernetes:helm.sh/v3:Release llm-prod-addons-kube-prometheus-stack',
        'kubernetes:helm.sh/v3:Release llm-prod-addons-nvidia-device-plugin',
        'kubernetes:keda.sh/v1alpha1:ScaledObject llm-prod-scaledobject',
        'kubernetes:monitoring.coreos.com/v1:PrometheusRule llm-prod-addons-llm-deploy-alerts',
        'kubernetes:monitoring.coreos.com/v1:ServiceMonitor llm-prod-servicemonitor',
        'kubernetes:networking.k8s.io/v1:Ingress llm-prod-ingress',
        'kubernetes:networking.k8s.io/v1:NetworkPolicy llm-prod-networkpolicy',
        'kubernetes:policy/v1:PodDisruptionBudget llm-prod-poddisruptionbudget',
        'llm-deploy:cluster-addons:ClusterAddons llm-prod-addons',
        'llm-deploy:image:Image image',
        'llm-deploy:inference-service:InferenceService llm-prod',
        'llm-deploy:llm-endpoint:LlmEndpoint llm-prod',
        'llm-deploy:onprem:OnPremCluster onprem',
        'pulumi:providers:kubernetes onprem-k8s',
      ].sort(),
    );
  });
  test('schedules one GPU per pod on tainted GPU nodes and builds the CUDA image for amd64', () => {
    const pod = find('onprem', 'Deployment')!.spec.template.spec;
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
    expect(pod.containers[0].env).toContainEqual({ name: 'DEVICE', value: 'cuda' });
    const image = runs.onprem.records.find((r) => r.type === 'docker:index/image:Image')!
      .inputs as Obj;
    expect(image.build.dockerfile).toMatch(/docker\/Dockerfile\.cuda$/);
    expect(image.build.platform).toBe('linux/amd64');
    expect(image.imageName).toBe('registry.internal.example.com:5000/llm-deploy:onprem');
    expect(image.registry).toHaveProperty(SECRET_SIG);
    expect((unwrapSecrets(image.registry) as Obj).server).toBe(
      'registry.internal.example.com:5000',
    );
  });
  test('pins every chart version and wires the ClusterIssuer', () => {
    for (const release of releases('onprem')) expect(release.version).toMatch(/^v?\d+\.\d+\.\d+$/);
    const plugin = releases('onprem').find((r) => r.chart === 'nvidia-device-plugin')!;
    expect(plugin.values.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
    const issuer = find('onprem', 'ClusterIssuer')!;
    expect(issuer.spec.acme.email).toBe('ops@example.com');
    expect(find('onprem', 'Ingress')!.metadata.annotations['cert-manager.io/cluster-issuer']).toBe(
      'letsencrypt',
    );
  });
  test('scales on requests waiting through Prometheus', () => {
    const so = find('onprem', 'ScaledObject')!;
    expect(so.spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 4 });
    expect(so.spec.triggers).toEqual([
      {
        type: 'prometheus',
        metadata: {
          serverAddress: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
          query: 'sum(llm_requests_waiting{namespace="llm-prod"})',
          threshold: '8',
        },
      },
    ]);
  });
  test('keeps the Secret, kubeconfig-free provider and outputs as configured', () => {
    const secret = runs.onprem.records.find((r) => r.name === 'llm-prod-secret')!.inputs as Obj;
    expect(Object.keys(secret.stringData)).toContain(SECRET_SIG);
    expect(runs.onprem.outputs).toMatchObject({
      endpoint: 'https://llm.example.com',
      openaiBaseUrl: 'https://llm.example.com/v1',
      playgroundUrl: 'https://llm.example.com/',
      namespace: 'llm-prod',
    });
    expect(find('onprem', 'PersistentVolumeClaim')!.spec).toMatchObject({
      storageClassName: 'nfs-client',
      accessModes: ['ReadWriteMany'],
    });
  });
});

describe('onprem-cpu (scale to zero through the KEDA HTTP add-on)', () => {
  test('routes the Ingress through the interceptor and wakes on HTTP traffic', () => {
    const ingress = find('onprem-cpu', 'Ingress')!;
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'llm-cpu-interceptor',
      port: { number: 8080 },
    });
    expect(ingress.spec.tls).toEqual([
      { hosts: ['llm.staging.example.com'], secretName: 'staging-wildcard-tls' },
    ]);
    expect(find('onprem-cpu', 'Service', 'llm-cpu-interceptor')!.spec.externalName).toBe(
      'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local',
    );
    const so = find('onprem-cpu', 'ScaledObject')!;
    expect(so.spec.idleReplicaCount).toBe(0);
    expect(so.spec.triggers[1]).toEqual({
      type: 'external-push',
      metadata: {
        scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090',
        httpScaledObject: 'llm-cpu',
      },
    });
    expect(find('onprem-cpu', 'HTTPScaledObject')!.spec.hosts).toEqual(['llm.staging.example.com']);
  });
  test('installs the HTTP add-on with waits sized for model load, and no cert-manager', () => {
    const charts = releases('onprem-cpu')
      .map((r) => r.chart)
      .sort();
    expect(charts).toEqual(['ingress-nginx', 'keda', 'keda-add-ons-http', 'kube-prometheus-stack']);
    const addon = releases('onprem-cpu').find((r) => r.chart === 'keda-add-ons-http')!;
    expect(addon.values.interceptor.replicas.waitTimeout).toBe('600s');
    expect(
      releases('onprem-cpu').find((r) => r.chart === 'ingress-nginx')!.values.controller.service
        .type,
    ).toBe('NodePort');
  });
  test('admits the interceptor through the NetworkPolicy and runs on CPU without GPU tolerations', () => {
    const policy = find('onprem-cpu', 'NetworkPolicy')!;
    expect(JSON.stringify(policy.spec.ingress[0].from)).toContain(
      '"kubernetes.io/metadata.name":"keda"',
    );
    const pod = find('onprem-cpu', 'Deployment')!.spec.template.spec;
    expect(pod.tolerations).toBeUndefined();
    expect(pod.containers[0].env).toContainEqual({
      name: 'API_KEYS_FILE',
      value: '/var/run/secrets/llm-deploy/api-keys',
    });
    expect(pod.containers[0].env.map((e: Obj) => e.name)).not.toContain('HF_TOKEN');
  });
});

describe('onprem-internal (no Ingress, HPA, prebuilt image, add-ons off)', () => {
  test('builds nothing, installs nothing, exposes no Ingress and scales on CPU', () => {
    expect(runs['onprem-internal'].records.some((r) => r.type.startsWith('docker:'))).toBe(false);
    expect(releases('onprem-internal')).toEqual([]);
    expect(find('onprem-internal', 'Ingress')).toBeUndefined();
    expect(
      find('onprem-internal', 'HorizontalPodAutoscaler')!.spec.metrics[0].resource.target
        .averageUtilization,
    ).toBe(60);
    expect(runs['onprem-internal'].outputs.endpoint).toBe(
      'http://llm-internal.llm-internal.svc.cluster.local:8080',
    );
  });
  test('reaches the cluster through the kubeconfig secret, kept secret', () => {
    const provider = runs['onprem-internal'].records.find(
      (r) => r.type === 'pulumi:providers:kubernetes',
    )!.inputs as Obj;
    expect(provider.kubeconfig).toHaveProperty(SECRET_SIG);
    expect(provider.context).toBe('platform-prod');
  });
});

describe('stacks created before LlmEndpoint keep their resources', () => {
  const before = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', 'fixtures', 'stack-urns-before-llm-endpoint.json'),
      'utf8',
    ),
  ) as { urns: Record<string, string[]> };
  test.each(Object.keys(STACKS))(
    "%s: each old URN is one resource's URN or alias, so an update replaces nothing",
    (stack) => {
      const registrations = runs[stack].registrations;
      const takenBy = (old: string) =>
        registrations.filter((r) => r.urn === old || r.aliases.includes(old)).map((r) => r.urn);
      const notKeptOnce = before.urns[stack]
        .map((old) => ({ old, takenBy: takenBy(old) }))
        .filter(({ takenBy }) => takenBy.length !== 1);
      expect(notKeptOnce).toEqual([]);
      // The grouping component itself is the one new resource.
      const kept = new Set(before.urns[stack].flatMap(takenBy));
      expect(registrations.filter((r) => !kept.has(r.urn)).map((r) => r.type)).toEqual([
        'llm-deploy:llm-endpoint:LlmEndpoint',
      ]);
    },
  );
});

test('a new image digest changes only the Deployment', async () => {
  const again = await runProgram({
    stack: 'onprem',
    imageSalt: 'code change',
    ...exampleStackConfig('onprem', ['apiKeys', 'hfToken', 'registryPassword']),
  });
  const inputsByName = (run: ProgramRun) =>
    new Map(run.records.map((r) => [r.name, JSON.stringify(r.inputs)]));
  const before = inputsByName(runs.onprem);
  const after = inputsByName(again);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  expect([...after.keys()].filter((name) => after.get(name) !== before.get(name))).toEqual([
    'llm-prod-deployment',
  ]);
});
