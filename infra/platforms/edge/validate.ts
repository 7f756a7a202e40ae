import { imagePlatform, type EdgeServiceArgs } from './args';

/** Env the component sets itself; config must not override them. */
export const MANAGED_ENV = ['PORT', 'HOST', 'METRICS_PORT', 'CACHE_DIR', 'DEVICE', 'DTYPE'];
/** Env that carries credentials and so must come as Pulumi secrets. */
export const SECRET_ENV = ['HF_TOKEN', 'API_KEYS'];

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

function portProblems(args: EdgeServiceArgs): string[] {
  const problems: string[] = [];
  const ports: [string, number | undefined][] = [
    ['hostPort', args.hostPort],
    ['metricsHostPort', args.metricsHostPort],
  ];
  for (const [key, port] of ports) {
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      problems.push(`${key} (${port}) must be a port from 1 to 65535`);
    }
  }
  if ((args.hostPort ?? 8080) === (args.metricsHostPort ?? 9090)) {
    problems.push(`hostPort and metricsHostPort are both ${args.hostPort ?? 8080}; pick two ports`);
  }
  return problems;
}

function envProblems(args: EdgeServiceArgs): string[] {
  const problems: string[] = [];
  const plain = Object.keys(args.env ?? {});
  const secret = Object.keys(args.secretEnv ?? {});
  for (const key of [...plain, ...secret]) {
    if (!ENV_NAME.test(key))
      problems.push(`env ${key} is not an environment variable name (A-Z, 0-9, _)`);
    if (MANAGED_ENV.includes(key)) problems.push(`env ${key} is set by the edge target; remove it`);
  }
  for (const key of plain.filter((k) => SECRET_ENV.includes(k))) {
    problems.push(`env ${key} holds a credential; pass it as a secret (secretEnv), not plain env`);
  }
  return problems;
}

/** Every problem with `args`, each naming the key and the value; empty when they are usable. */
export function edgeArgProblems(args: EdgeServiceArgs): string[] {
  const problems: string[] = [];
  if (args.host !== undefined && !/^(unix|ssh|tcp|npipe):\/\/\S+$/.test(args.host)) {
    problems.push(
      `host (${args.host}) must be a Docker endpoint like ssh://user@host or unix:///var/run/docker.sock`,
    );
  }
  if (args.sshOpts?.length && !args.host?.startsWith('ssh://')) {
    problems.push(
      'sshOpts apply to ssh:// hosts only; set host to ssh://user@host or drop sshOpts',
    );
  }
  const platform = imagePlatform(args);
  if (platform !== undefined && !/^linux\/(amd64|arm64)$/.test(platform)) {
    problems.push(`image platform (${platform}) must be linux/amd64 or linux/arm64`);
  }
  if (args.device === 'cuda' && platform === 'linux/arm64') {
    problems.push(
      'device cuda with platform linux/arm64: onnxruntime-node ships CUDA for linux/amd64 only',
    );
  }
  if (args.gpus !== undefined && args.device !== 'cuda') {
    problems.push(`gpus (${args.gpus}) needs device cuda; a CPU host requests no GPU`);
  }
  if (typeof args.gpus === 'number' && !(Number.isInteger(args.gpus) && args.gpus >= 1)) {
    problems.push(`gpus (${args.gpus}) must be a whole number from 1, or 'all'`);
  }
  if (args.domain !== undefined && !HOSTNAME.test(args.domain)) {
    problems.push(`domain (${args.domain}) must be a lowercase DNS name like llm.example.com`);
  }
  if (args.acmeEmail !== undefined && args.domain === undefined) {
    problems.push('acmeEmail is set without a domain; set domain, or drop acmeEmail');
  }
  if (args.cpus !== undefined && !(args.cpus > 0))
    problems.push(`cpus (${args.cpus}) must be above 0`);
  if (
    args.memoryMiB !== undefined &&
    !(Number.isInteger(args.memoryMiB) && args.memoryMiB >= 256)
  ) {
    problems.push(`memoryMiB (${args.memoryMiB}) must be a whole number from 256`);
  }
  if (args.startPeriodSeconds !== undefined && !(args.startPeriodSeconds >= 0)) {
    problems.push(`startPeriodSeconds (${args.startPeriodSeconds}) must be 0 or more`);
  }
  return [...problems, ...portProblems(args), ...envProblems(args)];
}
