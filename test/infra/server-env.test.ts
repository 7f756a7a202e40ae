/**
 * The server's environment is declared once (inference/src/config.ts). What the Kubernetes
 * container and the edge container get from the real program must parse with the server's own
 * loadConfig, and mean what the rest of each target assumes (ports, cache, device, model).
 */
import * as path from 'path';
import { loadConfig, type ServerConfig } from '../../inference/src/config';
import {
  kubeObjects,
  REPO_ROOT,
  runProgram,
  stackFileConfig,
  unwrapSecrets,
  type ProgramRun,
} from '../helpers/pulumi-program';
import { exampleStackConfig, TEST_SECRETS } from '../helpers/stacks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The value the kubelet would put in a variable taken from a Secret. */
const FROM_SECRET = 'value-from-a-secret';

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  runs.onprem = await runProgram({
    stack: 'onprem',
    ...exampleStackConfig('onprem', ['apiKeys', 'hfToken', 'registryPassword']),
  });
  runs['onprem-cpu'] = await runProgram({
    stack: 'onprem-cpu',
    ...exampleStackConfig('onprem-cpu', ['apiKeys', 'registryPassword']),
  });
  runs.edge = await runProgram({
    stack: 'edge',
    ...exampleStackConfig('edge', ['apiKeys', 'hfToken']),
  });
  runs.dev = await runProgram({
    stack: 'dev',
    config: stackFileConfig(path.join(REPO_ROOT, 'Pulumi.dev.yaml')),
  });
});

function kubernetesContainer(stack: string): Obj {
  expect(runs[stack].error).toBeUndefined();
  const deployment = kubeObjects(runs[stack]).find((o) => o.object.kind === 'Deployment')!.object;
  return (deployment as Obj).spec.template.spec.containers[0];
}

function kubernetesEnv(container: Obj): Record<string, string> {
  return Object.fromEntries(
    (container.env as Obj[]).map((e) => [e.name, e.value ?? (e.valueFrom ? FROM_SECRET : '')]),
  );
}

function edgeContainer(stack: string): Obj {
  expect(runs[stack].error).toBeUndefined();
  return runs[stack].records.find(
    (r) => r.type === 'docker:index/container:Container' && r.name.endsWith('-server'),
  )!.inputs;
}

function edgeEnv(container: Obj): Record<string, string> {
  const envs = unwrapSecrets(container.envs) as string[];
  return Object.fromEntries(
    envs.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
}

describe.each(['onprem', 'onprem-cpu'])('the Kubernetes container of %s', (stack) => {
  test('gets an env the server parses, with the ports, cache and device the pod is built for', () => {
    const container = kubernetesContainer(stack);
    const config: ServerConfig = loadConfig(kubernetesEnv(container));
    const portOf = (name: string) =>
      (container.ports as Obj[]).find((p) => p.name === name)!.containerPort;
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(portOf('http'));
    expect(config.metricsPort).toBe(portOf('metrics'));
    const cacheMount = (container.volumeMounts as Obj[]).find((m) => m.name === 'model-cache')!;
    expect(config.hub.cacheDir).toBe(cacheMount.mountPath);
    const gpus = Number(container.resources.limits['nvidia.com/gpu'] ?? 0);
    expect(config.device).toBe(gpus > 0 ? 'cuda' : 'cpu');
  });
});

test('the GPU stack passes its model, Hub token and API keys file the way the server reads them', () => {
  const container = kubernetesContainer('onprem');
  const config = loadConfig(kubernetesEnv(container));
  expect(config.model).toBe('HuggingFaceTB/SmolLM2-360M-Instruct');
  expect(config.hub.token).toBe(FROM_SECRET);
  const keysMount = (container.volumeMounts as Obj[]).find((m) => m.name === 'api-keys')!;
  expect(config.auth.keysFile).toMatch(new RegExp(`^${keysMount.mountPath}/`));
});

describe.each(['edge', 'dev'])('the edge container of %s', (stack) => {
  test('gets an env the server parses, on the ports its health check and publishing use', () => {
    const container = edgeContainer(stack);
    const config = loadConfig(edgeEnv(container));
    expect(config.host).toBe('0.0.0.0');
    expect(JSON.stringify(container.healthcheck.tests)).toContain(`:${config.port}/readyz`);
    const internal = (container.ports as Obj[]).map((p) => p.internal);
    expect(internal).toContain(config.metricsPort);
    const cacheVolume = (container.volumes as Obj[]).find((v) => v.volumeName)!;
    expect(config.hub.cacheDir).toBe(cacheVolume.containerPath);
  });
});

test('the edge stack passes its model, dtype, Hub token and API keys the way the server reads them', () => {
  const config = loadConfig(edgeEnv(edgeContainer('edge')));
  expect(config).toMatchObject({
    model: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    device: 'cpu',
    dtype: 'q4',
    hub: { token: TEST_SECRETS['llm-deploy:hfToken'] },
    auth: { keys: TEST_SECRETS['llm-deploy:apiKeys'].split(',') },
  });
});
