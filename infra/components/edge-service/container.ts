import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { setVariables, type ServerEnv } from '../../model';
import type { ResolvedEdgeArgs } from './args';
import { SERVER_ALIAS } from './proxy';

/** The server's ports inside the container (the runtime contract). */
export const SERVER_PORT = 8080;
export const METRICS_PORT = 9090;
/**
 * Where the named cache volume is mounted: the image creates /cache owned by its user, and Docker
 * gives a fresh named volume the ownership of the folder it is mounted over.
 */
export const CACHE_DIR = '/cache';
/** The server drains for SHUTDOWN_GRACE_SECONDS (25 by default) after SIGTERM. */
const STOP_TIMEOUT_SECONDS = 30;

/** Readiness probe run inside the container with the Node binary the image already has. */
export const HEALTH_PROBE = `fetch('http://127.0.0.1:${SERVER_PORT}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

/** The env the container gets: config, the contract's fixed values, then secrets. */
export function serverEnv(args: ResolvedEdgeArgs): pulumi.Output<string[]> {
  const fixed: ServerEnv = {
    HOST: '0.0.0.0',
    PORT: String(SERVER_PORT),
    METRICS_PORT: String(METRICS_PORT),
    CACHE_DIR,
    DEVICE: args.device,
    ...(args.dtype ? { DTYPE: args.dtype } : {}),
  };
  const plain = setVariables({ ...args.env, ...fixed }).map(([key, value]) => `${key}=${value}`);
  const secrets = Object.entries(args.secretEnv).map(
    ([key, value]) => pulumi.interpolate`${key}=${value}`,
  );
  return pulumi.all([...plain, ...secrets]);
}

export interface ServerContainerInputs {
  imageId: pulumi.Input<string>;
  cacheVolume: pulumi.Input<string>;
  /** The proxy's network; undefined publishes the API on 127.0.0.1. */
  network?: docker.Network;
}

/** The server container: GPUs on a CUDA host, cache volume, readiness check, drain on stop. */
export function serverContainerArgs(
  cfg: ResolvedEdgeArgs,
  inputs: ServerContainerInputs,
): docker.ContainerArgs {
  const loopback = (internal: number, external: number) => ({
    internal,
    external,
    ip: '127.0.0.1',
  });
  return {
    name: cfg.containerName,
    image: inputs.imageId,
    restart: cfg.restart,
    envs: serverEnv(cfg),
    ports: [
      ...(inputs.network ? [] : [loopback(SERVER_PORT, cfg.hostPort)]),
      loopback(METRICS_PORT, cfg.metricsHostPort),
    ],
    volumes: [{ volumeName: inputs.cacheVolume, containerPath: CACHE_DIR }],
    // As on Kubernetes: a read-only root, the cache volume and a /tmp in memory are all it writes.
    readOnly: true,
    tmpfs: { '/tmp': 'rw,noexec,nosuid,size=256m' },
    cpus: cfg.cpus === undefined ? undefined : String(cfg.cpus),
    memory: cfg.memoryMiB,
    deviceRequests:
      cfg.device === 'cuda'
        ? [{ driver: 'nvidia', count: cfg.gpus === 'all' ? -1 : cfg.gpus, capabilities: ['gpu'] }]
        : undefined,
    healthcheck: {
      tests: ['CMD', 'node', '-e', HEALTH_PROBE],
      interval: '15s',
      timeout: '5s',
      retries: 3,
      startPeriod: `${cfg.startPeriodSeconds}s`,
    },
    // `pulumi up` finishes once the model is loaded and warm.
    wait: true,
    waitTimeout: cfg.startPeriodSeconds + 60,
    stopSignal: 'SIGTERM',
    stopTimeout: STOP_TIMEOUT_SECONDS,
    networksAdvanced: inputs.network
      ? [{ name: inputs.network.name, aliases: [SERVER_ALIAS] }]
      : undefined,
    logDriver: 'json-file',
    logOpts: { 'max-size': '10m', 'max-file': '3' },
  };
}
