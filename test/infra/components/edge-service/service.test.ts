import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import {
  EdgeService,
  edgeArgProblems,
  type EdgeServiceArgs,
} from '../../../../infra/components/edge-service';
import { formatArgProblem } from '../../../../infra/model';
import {
  installMocks,
  isSecretInput,
  settle,
  unwrapSecrets,
  valueOf,
  type Loose,
} from '../../platforms/support/mocks';

const stack = installMocks('dev');
const ROOT = path.resolve(__dirname, '../../../..');
const CONTAINER = 'docker:index/container:Container';

const services: Record<string, EdgeService> = {};

async function deploy(name: string, args: EdgeServiceArgs): Promise<EdgeService> {
  const service = new EdgeService(name, args);
  await valueOf(service.imageId);
  await settle();
  services[name] = service;
  return service;
}

beforeAll(async () => {
  await deploy('cpu', {
    env: { MODEL: 'onnx-community/Qwen2.5-0.5B-Instruct', SERVED_MODEL_NAME: 'qwen' },
    secretEnv: { API_KEYS: pulumi.secret('key-one,key-two'), HF_TOKEN: pulumi.secret('hf_secret') },
  });
  await deploy('gpu', {
    host: 'ssh://deploy@gpu-box',
    device: 'cuda',
    sshOpts: ['-o', 'Port=2222'],
    cpus: 8,
    memoryMiB: 32768,
  });
  await deploy('tls', {
    domain: 'llm.example.com',
    acmeEmail: 'ops@example.com',
    containerName: 'llm',
  });
  await deploy('pi', {
    host: 'ssh://pi@raspberrypi.local',
    image: {
      pull: {
        ref: 'ghcr.io/acme/llm-deploy:1.0.0',
        platform: 'linux/arm64',
        registry: { server: 'ghcr.io', username: 'acme', password: pulumi.secret('ghcr-token') },
      },
    },
  });
});

const container = (name: string) => stack.named(name, CONTAINER).inputs as Record<string, Loose>;
const envOf = (name: string): string[] => unwrapSecrets(container(name).envs) as string[];

describe('container on a CPU host', () => {
  it('requests no GPU and runs the CPU image built on the host', () => {
    expect(container('cpu-server').deviceRequests).toBeUndefined();
    const image = stack.named('cpu-image').inputs as Record<string, Loose>;
    expect(stack.named('cpu-image').type).toBe('docker:index/image:Image');
    expect(image.build).toMatchObject({
      context: ROOT,
      dockerfile: path.join(ROOT, 'docker/Dockerfile'),
    });
    expect(image.skipPush).toBe(true);
    expect(container('cpu-server').image).toMatch(/^sha256:1{64}$/);
    expect(envOf('cpu-server')).toContain('DEVICE=cpu');
  });

  it('publishes the API and metrics on 127.0.0.1 only', async () => {
    expect(container('cpu-server').ports).toEqual([
      { internal: 8080, external: 8080, ip: '127.0.0.1' },
      { internal: 9090, external: 9090, ip: '127.0.0.1' },
    ]);
    expect(await valueOf(services.cpu!.url)).toBe('http://127.0.0.1:8080');
    expect(stack.ofType(CONTAINER).some((c) => c.name === 'cpu-proxy')).toBe(false);
  });

  it('checks readiness, restarts unless stopped, and drains on stop', () => {
    const server = container('cpu-server');
    expect(server.healthcheck.tests.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(server.healthcheck.tests[3]).toContain('http://127.0.0.1:8080/readyz');
    expect(server.healthcheck).toMatchObject({ startPeriod: '300s', retries: 3 });
    expect(server.restart).toBe('unless-stopped');
    expect(server).toMatchObject({
      stopSignal: 'SIGTERM',
      stopTimeout: 30,
      wait: true,
      waitTimeout: 360,
    });
  });

  it('mounts a named volume as the model cache', () => {
    expect(stack.named('cpu-cache').inputs.name).toBe('cpu-model-cache');
    expect(container('cpu-server').volumes).toEqual([
      { volumeName: 'cpu-model-cache', containerPath: '/cache' },
    ]);
    expect(envOf('cpu-server')).toContain('CACHE_DIR=/cache');
    expect(container('cpu-server')).toMatchObject({
      readOnly: true,
      tmpfs: { '/tmp': 'rw,noexec,nosuid,size=256m' },
    });
  });

  it('passes the runtime contract and config as env, and secrets as secrets', () => {
    const raw = container('cpu-server').envs;
    expect(isSecretInput(raw)).toBe(true);
    expect(envOf('cpu-server')).toEqual(
      expect.arrayContaining([
        'HOST=0.0.0.0',
        'PORT=8080',
        'METRICS_PORT=9090',
        'MODEL=onnx-community/Qwen2.5-0.5B-Instruct',
        'SERVED_MODEL_NAME=qwen',
        'API_KEYS=key-one,key-two',
        'HF_TOKEN=hf_secret',
      ]),
    );
    expect(envOf('cpu-server').some((e) => e.startsWith('DTYPE='))).toBe(false);
  });

  it('talks to the local engine', () => {
    expect(stack.named('cpu-docker').inputs.host).toBeUndefined();
  });
});

describe('container on a GPU host', () => {
  it('requests every NVIDIA GPU and builds the CUDA image over ssh', () => {
    expect(container('gpu-server').deviceRequests).toEqual([
      { driver: 'nvidia', count: -1, capabilities: ['gpu'] },
    ]);
    expect(envOf('gpu-server')).toContain('DEVICE=cuda');
    expect(stack.named('gpu-image').inputs.build).toMatchObject({
      dockerfile: path.join(ROOT, 'docker/Dockerfile.cuda'),
    });
    // Provider config reaches the engine JSON-encoded.
    const docker = stack.named('gpu-docker').inputs;
    expect(docker.host).toBe('ssh://deploy@gpu-box');
    expect(JSON.parse(docker.sshOpts as string)).toEqual(['-o', 'Port=2222']);
    expect(services.gpu!.gpu).toBe(true);
    expect(container('gpu-server')).toMatchObject({ cpus: '8', memory: 32768 });
    expect(container('cpu-server').cpus).toBeUndefined();
    expect(isSecretInput(container('gpu-server').envs)).toBe(false);
  });
});

describe('TLS proxy', () => {
  it('is present only with a domain, serving it over HTTPS with automatic certificates', async () => {
    const proxies = stack.ofType(CONTAINER).filter((c) => c.name.endsWith('-proxy'));
    expect(proxies.map((p) => p.name)).toEqual(['tls-proxy']);
    const proxy = proxies[0]!.inputs as Record<string, Loose>;
    expect(proxy.ports.map((p: Loose) => p.external)).toEqual([80, 443, 443]);
    const caddyfile: string = proxy.uploads[0].content;
    expect(proxy.uploads[0].file).toBe('/etc/caddy/Caddyfile');
    expect(caddyfile).toContain('email ops@example.com');
    expect(caddyfile).toMatch(/^llm\.example\.com \{$/m);
    expect(caddyfile).toContain('reverse_proxy llm-deploy:8080');
    expect(caddyfile).toContain('flush_interval -1');
    expect(proxy.volumes).toEqual([{ volumeName: 'llm-caddy-data', containerPath: '/data' }]);
    expect(await valueOf(services.tls!.url)).toBe('https://llm.example.com');
  });

  it("restarts by the server's policy and is health-checked, so pulumi up waits for it", () => {
    const proxy = container('tls-proxy');
    const server = container('tls-server');
    expect(proxy.restart).toBe(server.restart);
    expect(proxy.restart).toBe('unless-stopped');
    expect(proxy.healthcheck).toMatchObject({
      tests: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:2019/config/'],
      interval: '15s',
      retries: 3,
    });
    expect(proxy.wait).toBe(true);
  });

  it('keeps the server off the host ports but on the proxy network', () => {
    const server = container('tls-server');
    expect(server.name).toBe('llm');
    expect(server.ports).toEqual([{ internal: 9090, external: 9090, ip: '127.0.0.1' }]);
    expect(server.networksAdvanced).toEqual([{ name: 'llm-net', aliases: ['llm-deploy'] }]);
  });
});

describe('small Arm device', () => {
  it('pulls the arm64 image with registry credentials as a secret and runs q4', () => {
    const image = stack.named('pi-image');
    expect(image.type).toBe('docker:index/remoteImage:RemoteImage');
    expect(image.inputs).toMatchObject({
      name: 'ghcr.io/acme/llm-deploy:1.0.0',
      platform: 'linux/arm64',
    });
    expect(container('pi-server').image).toMatch(/^sha256:2{64}$/);
    expect(envOf('pi-server')).toEqual(expect.arrayContaining(['DEVICE=cpu', 'DTYPE=q4']));
    const registryAuth = stack.named('pi-docker').inputs.registryAuth;
    expect(isSecretInput(registryAuth)).toBe(true);
    expect(JSON.parse(unwrapSecrets(registryAuth) as string)).toEqual([
      { address: 'ghcr.io', username: 'acme', password: 'ghcr-token' },
    ]);
  });
});

describe('edge args validation', () => {
  it('reports every problem at once', () => {
    expect(
      edgeArgProblems({
        host: 'gpu-box',
        gpus: 2,
        domain: 'Not A Domain',
        hostPort: 9090,
        env: { PORT: '80', HF_TOKEN: 'plain' },
        image: { build: { platform: 'linux/riscv64' } },
      }).map(formatArgProblem),
    ).toEqual([
      'host = "gpu-box": is not a Docker endpoint. Fix: use ssh://user@host or unix:///var/run/docker.sock',
      'domain = "Not A Domain": is not a DNS name. Fix: use a lowercase name like llm.example.com',
      'image.platform = "linux/riscv64": is not a platform the server ships for. Fix: use linux/amd64 or linux/arm64',
      'gpus = 2: needs device cuda; a CPU host requests no GPU. Fix: set device cuda, or drop gpus',
      'metricsHostPort = 9090: is the same port as hostPort. Fix: pick two different ports',
      'env.PORT = "PORT": is set by the edge target. Fix: remove it',
      'env.HF_TOKEN = "[secret]": holds a credential in plain config. Fix: pass it as a Pulumi secret (secretEnv)',
    ]);
  });

  it('accepts a GPU host on a socket and a domain host', () => {
    expect(
      edgeArgProblems({ device: 'cuda', gpus: 1, host: 'unix:///var/run/docker.sock' }),
    ).toEqual([]);
    expect(edgeArgProblems({ domain: 'llm.example.com', acmeEmail: 'ops@example.com' })).toEqual(
      [],
    );
  });
});
