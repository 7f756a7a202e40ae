import * as path from 'node:path';
import type * as pulumi from '@pulumi/pulumi';
import type { Dtype } from '../../model';

/** Repository root: the default build context (the Dockerfiles copy from it). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Build the image on the Docker host from the repository's Dockerfile. */
export interface EdgeImageBuild {
  /** Build context. @default the repository root */
  context?: string;
  /** @default `docker/Dockerfile.cuda` for `device: 'cuda'`, else `docker/Dockerfile` */
  dockerfile?: string;
  /** Target platform, e.g. `linux/arm64` for small Arm devices. @default the host's */
  platform?: string;
  /** Build arguments, e.g. `{ BASE_IMAGE: 'localhost:5000/bookworm-node24' }`. @default {} */
  buildArgs?: Record<string, string>;
}

/** Pull a published image instead of building. */
export interface EdgeImagePull {
  /** Image reference, e.g. `ghcr.io/acme/llm-deploy:1.2.0` or with `@sha256:...`. */
  ref: string;
  /** @default the host's */
  platform?: string;
  /** Credentials for a private registry. @default anonymous */
  registry?: { server: string; username: string; password: pulumi.Input<string> };
}

/** Args of `EdgeService`: already validated by `infra/config.ts`. */
export interface EdgeServiceArgs {
  /**
   * Docker endpoint, e.g. `ssh://deploy@gpu-box` or `unix:///run/user/1000/docker.sock`.
   * @default the local engine (DOCKER_HOST, else the default socket)
   */
  host?: string;
  /** Extra ssh options for `ssh://` hosts, e.g. `['-o', 'StrictHostKeyChecking=yes']`. @default [] */
  sshOpts?: string[];
  /** Build on the host, or pull. @default `{ build: {} }` */
  image?: { build: EdgeImageBuild } | { pull: EdgeImagePull };
  /** `cuda` requests the host's NVIDIA GPUs (NVIDIA Container Toolkit required). @default 'cpu' */
  device?: 'cpu' | 'cuda';
  /** GPUs to request on a `cuda` host. @default 'all' */
  gpus?: number | 'all';
  /** Weight precision. @default 'q4' on linux/arm64 CPUs, else the server's default */
  dtype?: Dtype;
  /** Server settings as env (MODEL, SERVED_MODEL_NAME, MAX_CONCURRENT, ...). @default {} */
  env?: Record<string, string>;
  /** Secret env (HF_TOKEN, API_KEYS), Pulumi secrets. @default {} */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /** Host port on 127.0.0.1 for the API when no domain is set. @default 8080 */
  hostPort?: number;
  /** Host port on 127.0.0.1 for /metrics. @default 9090 */
  metricsHostPort?: number;
  /** Public domain: serve HTTPS through a Caddy proxy with automatic certificates. @default none */
  domain?: string;
  /** Contact for the ACME account (expiry notices). @default none */
  acmeEmail?: string;
  /** CPU limit in cores, e.g. 1.5. @default no limit */
  cpus?: number;
  /** Memory limit in MiB. @default no limit */
  memoryMiB?: number;
  /** Grace before failed health checks count: model download and warm-up. @default 300 */
  startPeriodSeconds?: number;
  /** @default 'unless-stopped' */
  restart?: 'always' | 'unless-stopped' | 'on-failure';
  /** Container name prefix; also names the cache volume. @default the component name */
  containerName?: string;
  /** Reverse proxy image. @default 'caddy:2.10' */
  proxyImage?: string;
}

export interface ResolvedEdgeArgs extends Required<
  Omit<EdgeServiceArgs, 'host' | 'dtype' | 'domain' | 'acmeEmail' | 'image' | 'cpus' | 'memoryMiB'>
> {
  host?: string;
  cpus?: number;
  memoryMiB?: number;
  dtype?: Dtype;
  domain?: string;
  acmeEmail?: string;
  image:
    | { build: Required<Omit<EdgeImageBuild, 'platform'>> & { platform?: string } }
    | { pull: EdgeImagePull };
}

export function imagePlatform(args: Pick<EdgeServiceArgs, 'image'>): string | undefined {
  const image = args.image ?? { build: {} };
  return 'build' in image ? image.build.platform : image.pull.platform;
}

export function resolveEdgeArgs(name: string, args: EdgeServiceArgs): ResolvedEdgeArgs {
  const device = args.device ?? 'cpu';
  const image = args.image ?? { build: {} };
  const armCpu = device === 'cpu' && imagePlatform(args) === 'linux/arm64';
  return {
    ...args,
    sshOpts: args.sshOpts ?? [],
    device,
    gpus: args.gpus ?? 'all',
    dtype: args.dtype ?? (armCpu ? 'q4' : undefined),
    env: args.env ?? {},
    secretEnv: args.secretEnv ?? {},
    hostPort: args.hostPort ?? 8080,
    metricsHostPort: args.metricsHostPort ?? 9090,
    startPeriodSeconds: args.startPeriodSeconds ?? 300,
    restart: args.restart ?? 'unless-stopped',
    containerName: args.containerName ?? name,
    proxyImage: args.proxyImage ?? 'caddy:2.10',
    image:
      'build' in image
        ? {
            build: {
              ...image.build,
              context: image.build.context ?? REPO_ROOT,
              dockerfile:
                image.build.dockerfile ??
                path.join(
                  REPO_ROOT,
                  device === 'cuda' ? 'docker/Dockerfile.cuda' : 'docker/Dockerfile',
                ),
              buildArgs: image.build.buildArgs ?? {},
            },
          }
        : image,
  };
}
