import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { ENGINE_ALIAS, ENGINE_CACHE_DIR, type EdgeEngineArgs, type ResolvedEdgeArgs } from './args';

export interface EdgeEngine {
  container: docker.Container;
  /** The private network the server joins to reach it. */
  network: docker.Network;
}

/**
 * The engine on its own network: no published port, so on the host only containers joined to
 * that network (the server) reach it. The network is not `internal`: the engine downloads its
 * weights from the Hub. It runs as its image's user (vLLM's is root) with every capability
 * dropped, no privilege gain, a read-only root, and writes only its volume and /tmp.
 */
export function edgeEngine(
  name: string,
  cfg: ResolvedEdgeArgs,
  engine: EdgeEngineArgs,
  opts: pulumi.CustomResourceOptions,
): EdgeEngine {
  const network = new docker.Network(
    `${name}-engine-net`,
    { name: `${cfg.containerName}-engine-net` },
    opts,
  );
  const image = new docker.RemoteImage(
    `${name}-engine-image`,
    { name: engine.image, keepLocally: true },
    opts,
  );
  const cache = new docker.Volume(
    `${name}-engine-cache`,
    { name: `${cfg.containerName}-engine-cache` },
    opts,
  );
  const plain = Object.entries(engine.env ?? {}).map(([key, value]) => `${key}=${value}`);
  const secrets = Object.entries(engine.secretEnv ?? {}).map(
    ([key, value]) => pulumi.interpolate`${key}=${value}`,
  );
  const gpus = engine.gpus ?? 'all';
  const container = new docker.Container(
    `${name}-engine`,
    {
      name: `${cfg.containerName}-engine`,
      image: image.imageId,
      command: engine.args,
      envs: pulumi.all([...plain, ...secrets]),
      restart: cfg.restart,
      deviceRequests: [
        { driver: 'nvidia', count: gpus === 'all' ? -1 : gpus, capabilities: ['gpu'] },
      ],
      shmSize: engine.shmSizeMiB ?? 2048,
      cpus: engine.cpus === undefined ? undefined : String(engine.cpus),
      memory: engine.memoryMiB,
      volumes: [{ volumeName: cache.name, containerPath: ENGINE_CACHE_DIR }],
      readOnly: true,
      // Compiled kernels are loaded from here: no noexec.
      tmpfs: { '/tmp': 'rw,nosuid,size=4g' },
      capabilities: { drops: ['ALL'] },
      securityOpts: ['no-new-privileges'],
      networksAdvanced: [{ name: network.name, aliases: [ENGINE_ALIAS] }],
      healthcheck: {
        tests: ['CMD', ...engine.healthCheck],
        interval: '15s',
        timeout: '10s',
        retries: 3,
        startPeriod: `${cfg.startPeriodSeconds}s`,
      },
      wait: true,
      waitTimeout: cfg.startPeriodSeconds + 60,
      logDriver: 'json-file',
      logOpts: { 'max-size': '10m', 'max-file': '3' },
    },
    opts,
  );
  return { container, network };
}
