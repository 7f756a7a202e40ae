import { argProblem as problem, type ArgProblem, type ServerEnvName } from '../../model';
import { imagePlatform, type EdgeServiceArgs } from './args';

/** Env the component sets itself; config must not override them. */
export const MANAGED_ENV: readonly string[] = [
  'PORT',
  'HOST',
  'METRICS_PORT',
  'CACHE_DIR',
  'DEVICE',
  'DTYPE',
] satisfies ServerEnvName[];
/** Env that carries credentials and so must come as Pulumi secrets. */
export const SECRET_ENV: readonly string[] = ['HF_TOKEN', 'API_KEYS'] satisfies ServerEnvName[];

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

function portProblems(args: EdgeServiceArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  for (const key of ['hostPort', 'metricsHostPort'] as const) {
    const port = args[key];
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      problems.push(problem(key, port, 'is not a port', 'use a whole number from 1 to 65535'));
    }
  }
  if ((args.hostPort ?? 8080) === (args.metricsHostPort ?? 9090)) {
    problems.push(
      problem(
        'metricsHostPort',
        args.metricsHostPort ?? 9090,
        'is the same port as hostPort',
        'pick two different ports',
      ),
    );
  }
  return problems;
}

function envProblems(args: EdgeServiceArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const plain = Object.keys(args.env ?? {});
  for (const key of [...plain, ...Object.keys(args.secretEnv ?? {})]) {
    if (!ENV_NAME.test(key))
      problems.push(
        problem(`env.${key}`, key, 'is not an environment variable name', 'use A-Z, 0-9 and _'),
      );
    if (MANAGED_ENV.includes(key))
      problems.push(problem(`env.${key}`, key, 'is set by the edge target', 'remove it'));
  }
  for (const key of plain.filter((k) => SECRET_ENV.includes(k))) {
    problems.push(
      problem(
        `env.${key}`,
        '[secret]',
        'holds a credential in plain config',
        'pass it as a Pulumi secret (secretEnv)',
      ),
    );
  }
  return problems;
}

function deviceProblems(args: EdgeServiceArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const platform = imagePlatform(args);
  if (platform !== undefined && !/^linux\/(amd64|arm64)$/.test(platform)) {
    problems.push(
      problem(
        'image.platform',
        platform,
        'is not a platform the server ships for',
        'use linux/amd64 or linux/arm64',
      ),
    );
  }
  if (args.device === 'cuda' && platform === 'linux/arm64') {
    problems.push(
      problem(
        'device',
        'cuda',
        'onnxruntime-node ships CUDA for linux/amd64 only',
        'use device cpu on Arm hosts',
      ),
    );
  }
  if (args.gpus !== undefined && args.device !== 'cuda') {
    problems.push(
      problem(
        'gpus',
        args.gpus,
        'needs device cuda; a CPU host requests no GPU',
        'set device cuda, or drop gpus',
      ),
    );
  }
  if (typeof args.gpus === 'number' && !(Number.isInteger(args.gpus) && args.gpus >= 1)) {
    problems.push(
      problem('gpus', args.gpus, 'is not a GPU count', "use a whole number from 1, or 'all'"),
    );
  }
  if (args.cpus !== undefined && !(args.cpus > 0))
    problems.push(problem('cpus', args.cpus, 'must be above 0', 'use cores, e.g. 2 or 1.5'));
  if (
    args.memoryMiB !== undefined &&
    !(Number.isInteger(args.memoryMiB) && args.memoryMiB >= 256)
  ) {
    problems.push(
      problem(
        'memoryMiB',
        args.memoryMiB,
        'is not a usable memory limit',
        'use a whole number of MiB from 256',
      ),
    );
  }
  return problems;
}

/** Every problem with `args`, each naming the field and the value; empty when they are usable. */
export function edgeArgProblems(args: EdgeServiceArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (args.host !== undefined && !/^(unix|ssh|tcp|npipe):\/\/\S+$/.test(args.host)) {
    problems.push(
      problem(
        'host',
        args.host,
        'is not a Docker endpoint',
        'use ssh://user@host or unix:///var/run/docker.sock',
      ),
    );
  }
  if (args.sshOpts?.length && !args.host?.startsWith('ssh://')) {
    problems.push(
      problem(
        'sshOpts',
        args.sshOpts,
        'apply to ssh:// hosts only',
        'set host to ssh://user@host, or drop sshOpts',
      ),
    );
  }
  if (args.domain !== undefined && !HOSTNAME.test(args.domain)) {
    problems.push(
      problem(
        'domain',
        args.domain,
        'is not a DNS name',
        'use a lowercase name like llm.example.com',
      ),
    );
  }
  if (args.acmeEmail !== undefined && args.domain === undefined) {
    problems.push(
      problem(
        'acmeEmail',
        args.acmeEmail,
        'is set without a domain',
        'set domain, or drop acmeEmail',
      ),
    );
  }
  if (args.startPeriodSeconds !== undefined && !(args.startPeriodSeconds >= 0)) {
    problems.push(
      problem(
        'startPeriodSeconds',
        args.startPeriodSeconds,
        'must be 0 or more',
        'use the seconds a model load may take',
      ),
    );
  }
  return [...problems, ...deviceProblems(args), ...portProblems(args), ...envProblems(args)];
}
