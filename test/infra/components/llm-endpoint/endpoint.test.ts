/**
 * LlmEndpoint as a library user calls it: Input args resolved into the objects, the shape decided
 * by plain args, problems reported with the args' paths and the config's wording, and the args
 * in the component's state with every credential kept secret.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { LlmEndpoint } from '../../../../infra/components/llm-endpoint';
import {
  installMocks,
  isSecretInput,
  settle,
  unwrapSecrets,
  valueOf,
  type Loose,
} from '../../platforms/support/mocks';

const stack = installMocks('lib');
const provider = new k8s.Provider('cluster', { kubeconfig: 'apiVersion: v1' });
const IMAGE = `registry.example.com/llm@sha256:${'a'.repeat(64)}`;
const VLLM_IMAGE = `vllm/vllm-openai:v0.12.0@sha256:${'c'.repeat(64)}`;
const late = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5));

function objectOf(kind: string, endpoint: string): Loose {
  const found = stack.resources.find(
    (r) => r.type.endsWith(`:${kind}`) && r.name.startsWith(`${endpoint}-`),
  );
  if (!found) throw new Error(`no ${kind} of ${endpoint}`);
  return unwrapSecrets(found.inputs);
}

let inputs: LlmEndpoint;
beforeAll(async () => {
  inputs = new LlmEndpoint('inputs', {
    provider,
    image: pulumi.output(IMAGE),
    model: { id: late('onnx-community/Qwen2.5-0.5B-Instruct'), dtype: 'q4' },
    resources: { memoryLimit: pulumi.output('8Gi') },
    scaling: { autoscaler: 'hpa', minReplicas: pulumi.output(2), maxReplicas: late(5) },
    ingress: { host: pulumi.output('llm.example.com'), tls: { secretName: 'llm-cert' } },
    secrets: {
      apiKeys: [pulumi.secret('key-one'), 'key-two'],
      hfToken: 'hf_plain_token',
      webhookSecret: late('whsec_c2VjcmV0'),
    },
    server: { corsOrigins: pulumi.output(['https://app.example.com']) },
  });
  new LlmEndpoint('internal', { provider, image: IMAGE, scaling: { autoscaler: 'none' } });
  new LlmEndpoint('watched', {
    provider,
    image: IMAGE,
    scaling: { autoscaler: 'hpa', queuePerReplica: late(7) },
    addons: {
      prometheus: true,
      ingressNginx: false,
      certManager: false,
      keda: false,
      ttftSloMilliseconds: 1500,
    },
  });
  new LlmEndpoint('gguf', {
    provider,
    image: IMAGE,
    scaling: { autoscaler: 'none' },
    model: { id: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', engine: 'llamacpp', quant: 'Q4_K_M' },
  });
  new LlmEndpoint('vllm', {
    provider,
    image: IMAGE,
    scaling: { autoscaler: 'none' },
    model: { id: 'tiiuae/falcon-rw-1b' },
    resources: { gpus: 1 },
    runtime: 'vllm',
    vllm: { image: VLLM_IMAGE, maxModelLen: 2048 },
  });
  await valueOf(inputs.endpoint);
  await settle();
});

describe('LlmEndpoint', () => {
  test('values given as Outputs and Promises reach the objects', async () => {
    const container = objectOf('Deployment', 'inputs').spec.template.spec.containers[0];
    expect(container.image).toBe(IMAGE);
    expect(container.env).toContainEqual({
      name: 'MODEL',
      value: 'onnx-community/Qwen2.5-0.5B-Instruct',
    });
    expect(container.resources.limits.memory).toBe('8Gi');
    expect(container.env).toContainEqual({
      name: 'CORS_ORIGINS',
      value: 'https://app.example.com',
    });
    expect(container.env).toContainEqual({
      name: 'WEBHOOK_SECRET',
      valueFrom: { secretKeyRef: { name: 'inputs-secrets', key: 'webhook-secret' } },
    });
    expect(objectOf('HorizontalPodAutoscaler', 'inputs').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
    });
    expect(objectOf('Ingress', 'inputs').spec.rules[0].host).toBe('llm.example.com');
    expect(await valueOf(inputs.openaiBaseUrl)).toBe('https://llm.example.com/v1');
  });

  test('the engine keys reach the server; runtime vllm puts vLLM beside it', () => {
    const gguf = objectOf('Deployment', 'gguf').spec.template.spec.containers[0];
    expect(gguf.env).toEqual(
      expect.arrayContaining([
        { name: 'ENGINE', value: 'llamacpp' },
        { name: 'QUANT', value: 'Q4_K_M' },
      ]),
    );
    const pod = objectOf('Deployment', 'vllm').spec.template.spec;
    const engine = pod.containers.find((c: { name: string }) => c.name === 'vllm');
    expect(engine.image).toBe(VLLM_IMAGE);
    expect(engine.args).toEqual(expect.arrayContaining(['--max-model-len', '2048']));
    expect(engine.resources.limits['nvidia.com/gpu']).toBe('1');
    const gateway = pod.containers.find((c: { name: string }) => c.name !== 'vllm');
    expect(gateway.env).toContainEqual({ name: 'ENGINE', value: 'openai-upstream' });
  });

  test('runtime vllm without a pinned vLLM image, or without a GPU, is refused', () => {
    expect(
      () =>
        new LlmEndpoint('vllm-bad', {
          provider,
          image: IMAGE,
          scaling: { autoscaler: 'none' },
          model: { id: 'tiiuae/falcon-rw-1b' },
          runtime: 'vllm',
          vllm: { image: 'vllm/vllm-openai:latest' },
        }),
    ).toThrow(/runtime = .*needs vllm\.image pinned by digest[\s\S]*resources\.gpus = 0/);
  });

  test('plain args decide which objects exist', () => {
    const kinds = (endpoint: string) =>
      stack.resources
        .filter((r) => r.type.startsWith('kubernetes:') && r.name.startsWith(`${endpoint}-`))
        .map((r) => r.type.split(':').pop())
        .sort();
    expect(kinds('inputs')).toEqual([
      'Deployment',
      'HorizontalPodAutoscaler',
      'Ingress',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    expect(kinds('internal')).toEqual([
      'Deployment',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ]);
    expect(objectOf('Deployment', 'internal').spec.replicas).toBe(1);
  });

  test('the add-on alerts take their thresholds from the args, Inputs once known', () => {
    const rule = objectOf('PrometheusRule', 'watched-addons');
    const exprs = Object.fromEntries(
      rule.spec.groups.flatMap((g: Loose) => g.rules).map((r: Loose) => [r.alert, r.expr]),
    );
    expect(exprs.LlmTimeToFirstTokenSlow).toMatch(/> 1\.5$/);
    expect(exprs.LlmQueueSaturating).toMatch(/> 14$/);
    expect(objectOf('ConfigMap', 'watched-addons').data).toHaveProperty([
      'llm-deploy-inference.json',
    ]);
  });

  test('its state holds the args, every credential a secret', () => {
    const state = stack.named('inputs', 'llm-deploy:llm-endpoint:LlmEndpoint').inputs as Loose;
    expect(state.model).toEqual({ id: 'onnx-community/Qwen2.5-0.5B-Instruct', dtype: 'q4' });
    expect(state.scaling).toMatchObject({ autoscaler: 'hpa', minReplicas: 2, maxReplicas: 5 });
    expect(state.provider).toBeUndefined();
    // The mocks mark the nearest object holding a secret: here the whole `secrets` group.
    expect(isSecretInput(state.secrets)).toBe(true);
    expect(JSON.stringify({ ...state, secrets: undefined })).not.toMatch(/hf_plain|key-|whsec/);
    const secret = stack.named('inputs-secret').inputs as Loose;
    expect(isSecretInput(secret.stringData)).toBe(true);
    expect(objectOf('Secret', 'inputs').stringData).toEqual({
      'api-keys': 'key-one\nkey-two',
      'hf-token': 'hf_plain_token',
      'webhook-secret': 'whsec_c2VjcmV0',
    });
  });
});
