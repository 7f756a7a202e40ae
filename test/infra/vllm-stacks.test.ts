/**
 * runtime vllm through the real program under Pulumi mocks: the example AWS stack (its pods,
 * their schemas and policies, autoscaling, the image build, the cost) and an edge GPU host.
 * vLLM itself is not run here (no GPU, no image): what is checked is what it would be given.
 */
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
import { exampleStackConfig, SECRET_TEXTS, TEST_SECRETS, withSecrets } from '../helpers/stacks';
import { callResult, computedOutputs } from './platforms/support/mocks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A made-up digest: the example leaves the image for the user to pin, as it must. */
const VLLM_IMAGE = `vllm/vllm-openai:v0.12.0@sha256:${'0123456789abcdef'.repeat(4)}`;
const GPU = { resourceName: 'nvidia.com/gpu', nodeSelector: { 'llm-deploy/pool': 'gpu' } };
const TAINTS = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const }];

let aws: ProgramRun;
let edge: ProgramRun;
beforeAll(async () => {
  const example = exampleStackConfig('aws-vllm', ['apiKeys', 'hfToken']);
  const section = JSON.parse(example.config['llm-deploy:vllm']) as Obj;
  example.config['llm-deploy:vllm'] = JSON.stringify({ ...section, image: VLLM_IMAGE });
  aws = await runProgram({
    stack: 'aws-vllm',
    providers: { outputs: computedOutputs, call: callResult },
    ...example,
  });
  edge = await runProgram({
    stack: 'edge-vllm',
    ...withSecrets(
      {
        'llm-deploy:target': 'edge',
        'llm-deploy:name': 'llm-box',
        'llm-deploy:runtime': 'vllm',
        'llm-deploy:model': 'tiiuae/falcon-rw-1b',
        'llm-deploy:gpusPerReplica': '2',
        'llm-deploy:memoryLimit': '24Gi',
        'llm-deploy:vllm': JSON.stringify({ image: VLLM_IMAGE }),
        'llm-deploy:edge': JSON.stringify({ host: 'ssh://deploy@gpu-box.example.com' }),
      },
      ['apiKeys', 'hfToken'],
    ),
  });
});

const objects = () => kubeObjects(aws).map((o) => o.object as Obj);
const find = (kind: string) => objects().find((o) => o.kind === kind)!;
const pod = () => find('Deployment').spec.template.spec;
const containerNamed = (name: string) => pod().containers.find((c: Obj) => c.name === name);
const argValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('example stack aws-vllm (falcon-rw-1b on a g6.xlarge)', () => {
  test('declares its resources; every object validates against its schema', () => {
    expect(aws.error).toBeUndefined();
    expect(allSchemaErrors(objects())).toEqual([]);
  });
  test('passes the workload (both containers), GPU, ingress and secret policies', () => {
    expect(pod().containers.map((c: Obj) => c.name)).toEqual(['server', 'vllm']);
    expect(workloadViolations(objects())).toEqual([]);
    expect(gpuViolations(objects(), { ...GPU, taints: TAINTS })).toEqual([]);
    expect(ingressViolations(objects())).toEqual([]);
    expect(plainSecretViolations(objects(), SECRET_TEXTS)).toEqual([]);
    expect(pulumiSecretViolations(aws.records, SECRET_TEXTS)).toEqual([]);
  });
  test('vLLM gets the GPU, listens on loopback only, and is told the stack in its own flags', () => {
    const vllm = containerNamed('vllm');
    expect(vllm.image).toBe(VLLM_IMAGE);
    expect(vllm.ports).toBeUndefined();
    expect(vllm.resources.limits['nvidia.com/gpu']).toBe('1');
    const args: string[] = vllm.args;
    expect(argValue(args, '--host')).toBe('127.0.0.1');
    expect(argValue(args, '--port')).toBe('8000');
    expect(argValue(args, '--model')).toBe('tiiuae/falcon-rw-1b');
    expect(argValue(args, '--served-model-name')).toBe('tiiuae/falcon-rw-1b');
    expect(argValue(args, '--tensor-parallel-size')).toBe('1');
    expect(argValue(args, '--max-num-seqs')).toBe('64');
    expect(argValue(args, '--dtype')).toBe('auto');
    expect(argValue(args, '--max-model-len')).toBe('2048');
    expect(argValue(args, '--gpu-memory-utilization')).toBe('0.9');
    expect(args).not.toContain('--quantization');
  });
  test('vLLM runs non-root on a read-only root: caches on volumes, no usage reports', () => {
    const vllm = containerNamed('vllm');
    expect(vllm.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(pod().securityContext.runAsUser).toBe(10001);
    const env = Object.fromEntries(vllm.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      HOME: '/home/vllm',
      XDG_CACHE_HOME: '/home/vllm/.cache',
      HF_HOME: '/var/cache/llm-deploy/huggingface',
      VLLM_NO_USAGE_STATS: '1',
      DO_NOT_TRACK: '1',
    });
    const mounts = vllm.volumeMounts.map((m: Obj) => m.mountPath).sort();
    expect(mounts).toEqual(['/dev/shm', '/home/vllm', '/tmp', '/var/cache/llm-deploy']);
    const shm = pod().volumes.find((v: Obj) => v.name === 'dshm');
    expect(shm.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '2Gi' });
    expect(pod().enableServiceLinks).toBe(false);
  });
  test('the Hub token goes to the engine only; the gateway fronts it on 127.0.0.1:8000', () => {
    const secretRefs = (c: Obj) => c.env.filter((e: Obj) => e.valueFrom).map((e: Obj) => e.name);
    expect(secretRefs(containerNamed('vllm'))).toEqual(['HF_TOKEN']);
    const gateway = containerNamed('server');
    expect(secretRefs(gateway)).toEqual([]);
    const env = Object.fromEntries(gateway.env.map((e: Obj) => [e.name, e.value]));
    expect(env).toMatchObject({
      ENGINE: 'openai-upstream',
      UPSTREAM_URL: 'http://127.0.0.1:8000',
      UPSTREAM_MODEL: 'tiiuae/falcon-rw-1b',
      SERVED_MODEL_NAME: 'tiiuae/falcon-rw-1b',
      UPSTREAM_READY_TIMEOUT_SECONDS: '1200',
      MAX_CONCURRENT: '64',
    });
    expect(env.MODEL).toBeUndefined();
    expect(gateway.resources.limits['nvidia.com/gpu']).toBeUndefined();
  });
  test('probes: startup sized for the download, vLLM checked inside its container', () => {
    const vllm = containerNamed('vllm');
    expect(vllm.startupProbe).toMatchObject({ periodSeconds: 10, failureThreshold: 120 });
    expect(vllm.startupProbe.exec.command.join(' ')).toContain('http://127.0.0.1:8000/health');
    expect(containerNamed('server').startupProbe).toMatchObject({
      httpGet: { path: '/readyz' },
      failureThreshold: 120,
    });
    expect(containerNamed('server').readinessProbe.httpGet.path).toBe('/readyz');
  });
  test('KEDA scales on requests waiting in the gateway and in vLLM, both scraped on one port', () => {
    const trigger = find('ScaledObject').spec.triggers[0];
    expect(trigger.metadata.query).toBe(
      '(sum(llm_requests_waiting{namespace="llm-vllm"}) or vector(0)) + ' +
        '(sum(vllm:num_requests_waiting{namespace="llm-vllm"}) or vector(0))',
    );
    const annotations = find('Deployment').spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe('9090');
  });
  test('builds only the gateway, from the CPU Dockerfile; the engine image is pulled as given', () => {
    const images = aws.records.filter((r) => r.type === 'docker:index/image:Image');
    expect(images).toHaveLength(1);
    expect((images[0].inputs as Obj).build.dockerfile).toMatch(/docker\/Dockerfile$/);
  });
  test('cost: EKS, 1 NAT, 2 m6i.large, 1..4 g6.xlarge for 1..4 replicas, disks, the load balancer', () => {
    const HOURS = 730;
    const fixed = 0.1 + 0.045 + 2 * 0.096 + (2 * 50 * 0.08) / HOURS + 0.025;
    const perGpuNode = 0.8048 + (100 * 0.08) / HOURS;
    const cost = aws.outputs.costEstimate as Obj;
    expect(cost.hourlyUsd.atMinReplicas).toBeCloseTo(fixed + perGpuNode, 4);
    expect(cost.hourlyUsd.atMaxReplicas).toBeCloseTo(fixed + 4 * perGpuNode, 4);
    expect(cost.assumptions.join(' ')).toMatch(/vLLM/);
  });
});

describe('runtime vllm on an edge GPU host', () => {
  const container = (name: string) =>
    edge.records.find((r) => r.type === 'docker:index/container:Container' && r.name === name)
      ?.inputs as Obj;
  const envOf = (name: string) => unwrapSecrets(container(name).envs) as string[];

  test('two containers: the engine on a private network with no published port, the GPUs its own', () => {
    expect(edge.error).toBeUndefined();
    const engine = container('llm-box-engine');
    expect(engine.ports).toBeUndefined();
    expect(engine.networksAdvanced).toEqual([{ name: 'llm-box-engine-net', aliases: ['engine'] }]);
    expect(engine.deviceRequests).toEqual([{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }]);
    expect(engine).toMatchObject({ shmSize: 4096, memory: 24 * 1024, cpus: '2' });
    expect(engine).toMatchObject({ readOnly: true, securityOpts: ['no-new-privileges'] });
    expect(argValue(engine.command, '--host')).toBe('0.0.0.0');
    expect(argValue(engine.command, '--tensor-parallel-size')).toBe('2');
    const server = container('llm-box-server');
    expect(server.deviceRequests).toBeUndefined();
    expect(server).toMatchObject({ memory: 1024, cpus: '1' });
    expect(server.networksAdvanced).toEqual([{ name: 'llm-box-engine-net' }]);
  });
  test('the gateway points at the engine; the Hub token is the engine’s, as a secret', () => {
    expect(envOf('llm-box-server')).toEqual(
      expect.arrayContaining([
        'ENGINE=openai-upstream',
        'UPSTREAM_URL=http://engine:8000',
        `API_KEYS=${TEST_SECRETS['llm-deploy:apiKeys']}`,
      ]),
    );
    expect(envOf('llm-box-server').some((e) => e.startsWith('HF_TOKEN='))).toBe(false);
    expect(container('llm-box-engine').envs).toHaveProperty(SECRET_SIG);
    expect(envOf('llm-box-engine')).toContain(`HF_TOKEN=${TEST_SECRETS['llm-deploy:hfToken']}`);
    const build = edge.records.find((r) => r.type === 'docker:index/image:Image')!.inputs as Obj;
    expect(build.build.dockerfile).toMatch(/docker\/Dockerfile$/);
    expect(pulumiSecretViolations(edge.records, SECRET_TEXTS)).toEqual([]);
  });
});
