/**
 * The edge stacks (examples/stacks/Pulumi.edge.yaml and the default Pulumi.dev.yaml) through the
 * real program under Pulumi mocks: the container the shared keys turn into, secrets kept secret.
 */
import * as path from 'path';
import { pulumiSecretViolations } from '../helpers/policy';
import {
  REPO_ROOT,
  runProgram,
  SECRET_SIG,
  stackFileConfig,
  unwrapSecrets,
  type ProgramRun,
} from '../helpers/pulumi-program';
import { exampleStackConfig, SECRET_TEXTS, TEST_SECRETS } from '../helpers/stacks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  runs.edge = await runProgram({
    stack: 'edge',
    ...exampleStackConfig('edge', ['apiKeys', 'hfToken']),
  });
  runs.dev = await runProgram({
    stack: 'dev',
    config: stackFileConfig(path.join(REPO_ROOT, 'Pulumi.dev.yaml')),
  });
});

const record = (stack: string, type: string, name: string) =>
  runs[stack].records.find((r) => r.type === type && r.name === name)?.inputs as Obj | undefined;
const container = (stack: string, name: string) =>
  record(stack, 'docker:index/container:Container', name)!;
const envOf = (stack: string, name: string): string[] =>
  unwrapSecrets(container(stack, name).envs) as string[];

describe('example stack edge (an Arm box over SSH, HTTPS through Caddy)', () => {
  test('declares a container and no Kubernetes object', () => {
    expect(runs.edge.error).toBeUndefined();
    expect(runs.edge.records.some((r) => r.type.startsWith('kubernetes:'))).toBe(false);
    expect(record('edge', 'pulumi:providers:docker', 'llm-edge-docker')!.host).toBe(
      'ssh://deploy@edge-box.example.com',
    );
  });
  test('builds the CPU image for arm64 on the host and runs a Q4 GGUF on CPU without a GPU request', () => {
    const image = record('edge', 'docker:index/image:Image', 'llm-edge-image')!;
    expect(image.build).toMatchObject({ platform: 'linux/arm64' });
    expect(image.build.dockerfile).toMatch(/docker\/Dockerfile$/);
    const server = container('edge', 'llm-edge-server');
    expect(server.deviceRequests).toBeUndefined();
    expect(envOf('edge', 'llm-edge-server')).toEqual(
      expect.arrayContaining([
        'DEVICE=cpu',
        'MODEL=Qwen/Qwen2.5-0.5B-Instruct-GGUF',
        'QUANT=Q4_K_M',
      ]),
    );
    expect(server).toMatchObject({ cpus: '4', memory: 4096, restart: 'unless-stopped' });
  });
  test('serves the host through Caddy, the server itself on no public port', () => {
    const proxy = container('edge', 'llm-edge-proxy');
    expect(proxy.uploads[0].content).toMatch(/^llm\.edge\.example\.com \{$/m);
    expect(proxy.uploads[0].content).toContain('email ops@example.com');
    expect(container('edge', 'llm-edge-server').ports).toEqual([
      { internal: 9090, external: 9090, ip: '127.0.0.1' },
    ]);
    expect(runs.edge.outputs).toMatchObject({
      endpoint: 'https://llm.edge.example.com',
      openaiBaseUrl: 'https://llm.edge.example.com/v1',
      playgroundUrl: 'https://llm.edge.example.com/',
    });
  });
  test('passes the API keys comma-separated and the Hub token as secret env, visible nowhere else', () => {
    expect(container('edge', 'llm-edge-server').envs).toHaveProperty(SECRET_SIG);
    expect(envOf('edge', 'llm-edge-server')).toEqual(
      expect.arrayContaining([
        `API_KEYS=${TEST_SECRETS['llm-deploy:apiKeys']}`,
        `HF_TOKEN=${TEST_SECRETS['llm-deploy:hfToken']}`,
      ]),
    );
    expect(pulumiSecretViolations(runs.edge.records, SECRET_TEXTS)).toEqual([]);
    const outputs = JSON.stringify(runs.edge.outputs);
    for (const secret of SECRET_TEXTS) expect(outputs).not.toContain(secret);
  });
  test('exports a zero cloud cost', () => {
    expect(runs.edge.outputs.costEstimate).toMatchObject({
      hourlyUsd: { atMinReplicas: 0, atMaxReplicas: 0 },
      monthlyUsd: { atMinReplicas: 0, atMaxReplicas: 0 },
    });
  });
});

describe('Pulumi.dev.yaml (the embedded model on the local engine)', () => {
  test('runs on the local engine, published on 127.0.0.1:8080, with no proxy', () => {
    expect(runs.dev.error).toBeUndefined();
    expect(record('dev', 'pulumi:providers:docker', 'llm-dev-docker')!.host).toBeUndefined();
    expect(container('dev', 'llm-dev-server').ports).toEqual([
      { internal: 8080, external: 8080, ip: '127.0.0.1' },
      { internal: 9090, external: 9090, ip: '127.0.0.1' },
    ]);
    expect(runs.dev.records.some((r) => r.name === 'llm-dev-proxy')).toBe(false);
    expect(runs.dev.outputs.openaiBaseUrl).toBe('http://127.0.0.1:8080/v1');
  });
  test('serves the embedded model (no MODEL) on CPU within the stack limits', () => {
    const env = envOf('dev', 'llm-dev-server');
    expect(env.some((e) => e.startsWith('MODEL='))).toBe(false);
    expect(env).toEqual(expect.arrayContaining(['DEVICE=cpu', 'DTYPE=fp32', 'LOG_LEVEL=debug']));
    expect(container('dev', 'llm-dev-server')).toMatchObject({ cpus: '2', memory: 2048 });
    expect(container('dev', 'llm-dev-server').healthcheck.startPeriod).toBe('120s');
  });
});
