import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems } from '../args-error';
import { resolveEdgeArgs, type EdgeServiceArgs, type ResolvedEdgeArgs } from './args';
import { edgeImage } from './image';
import { SERVER_ALIAS, tlsProxy } from './proxy';
import { edgeArgProblems } from './validate';

/** The server's ports inside the container (the runtime contract). */
export const SERVER_PORT = 8080;
export const METRICS_PORT = 9090;
/** Where the named cache volume is mounted; the Dockerfile should create it for its user. */
export const CACHE_DIR = '/var/cache/llm-deploy';
/** The server drains for SHUTDOWN_GRACE_SECONDS (25 by default) after SIGTERM. */
const STOP_TIMEOUT_SECONDS = 30;

/** Readiness probe run inside the container with the Node binary the image already has. */
export const HEALTH_PROBE = `fetch('http://127.0.0.1:${SERVER_PORT}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;

/** The env the container gets: the contract's fixed values, config, then secrets. */
export function serverEnv(args: ResolvedEdgeArgs): pulumi.Output<string[]> {
  const fixed: Record<string, string> = {
    HOST: '0.0.0.0',
    PORT: String(SERVER_PORT),
    METRICS_PORT: String(METRICS_PORT),
    CACHE_DIR,
    DEVICE: args.device,
    ...(args.dtype ? { DTYPE: args.dtype } : {}),
  };
  const plain = Object.entries({ ...args.env, ...fixed }).map(([key, value]) => `${key}=${value}`);
  const secrets = Object.entries(args.secretEnv).map(
    ([key, value]) => pulumi.interpolate`${key}=${value}`,
  );
  return pulumi.all([...plain, ...secrets]);
}

/**
 * The inference server on one Docker host: image built there or pulled, GPUs requested on a
 * CUDA host, a named volume for the model cache, a readiness health check, restart policy,
 * secrets as env. Published on 127.0.0.1, or behind Caddy with HTTPS when a domain is set.
 */
export class EdgeService extends pulumi.ComponentResource {
  /** Base URL of the endpoint (https://domain, or http://127.0.0.1:port). */
  readonly url: pulumi.Output<string>;
  readonly metricsUrl: pulumi.Output<string>;
  readonly containerName: pulumi.Output<string>;
  readonly imageId: pulumi.Output<string>;
  readonly imageRef: pulumi.Output<string>;
  readonly gpu: boolean;

  constructor(name: string, args: EdgeServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoProblems('EdgeService', edgeArgProblems(args));
    super('llm-deploy:platforms:EdgeService', name, {}, opts);
    const cfg = resolveEdgeArgs(name, args);

    const pull = 'pull' in cfg.image ? cfg.image.pull : undefined;
    const provider = new docker.Provider(
      `${name}-docker`,
      {
        host: cfg.host,
        sshOpts: cfg.sshOpts.length > 0 ? cfg.sshOpts : undefined,
        registryAuth: pull?.registry
          ? [
              {
                address: pull.registry.server,
                username: pull.registry.username,
                password: pull.registry.password,
              },
            ]
          : undefined,
      },
      { parent: this },
    );
    const dockerOpts = { parent: this, provider };
    const image = edgeImage(name, cfg, dockerOpts);
    const cache = new docker.Volume(
      `${name}-cache`,
      { name: `${cfg.containerName}-model-cache` },
      dockerOpts,
    );
    const network = cfg.domain
      ? new docker.Network(`${name}-net`, { name: `${cfg.containerName}-net` }, dockerOpts)
      : undefined;

    const loopback = (internal: number, external: number) => ({
      internal,
      external,
      ip: '127.0.0.1',
    });
    const server = new docker.Container(
      `${name}-server`,
      {
        name: cfg.containerName,
        image: image.imageId,
        restart: cfg.restart,
        envs: serverEnv(cfg),
        ports: [
          ...(network ? [] : [loopback(SERVER_PORT, cfg.hostPort)]),
          loopback(METRICS_PORT, cfg.metricsHostPort),
        ],
        volumes: [{ volumeName: cache.name, containerPath: CACHE_DIR }],
        cpus: cfg.cpus === undefined ? undefined : String(cfg.cpus),
        memory: cfg.memoryMiB,
        deviceRequests:
          cfg.device === 'cuda'
            ? [
                {
                  driver: 'nvidia',
                  count: cfg.gpus === 'all' ? -1 : cfg.gpus,
                  capabilities: ['gpu'],
                },
              ]
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
        networksAdvanced: network ? [{ name: network.name, aliases: [SERVER_ALIAS] }] : undefined,
        logDriver: 'json-file',
        logOpts: { 'max-size': '10m', 'max-file': '3' },
      },
      dockerOpts,
    );

    if (network && cfg.domain) {
      tlsProxy(
        name,
        {
          containerName: cfg.containerName,
          image: cfg.proxyImage,
          domain: cfg.domain,
          acmeEmail: cfg.acmeEmail,
          upstreamPort: SERVER_PORT,
          network,
          restart: cfg.restart,
        },
        { ...dockerOpts, dependsOn: [server] },
      );
    }

    this.url = pulumi.output(
      cfg.domain ? `https://${cfg.domain}` : `http://127.0.0.1:${cfg.hostPort}`,
    );
    this.metricsUrl = pulumi.output(`http://127.0.0.1:${cfg.metricsHostPort}/metrics`);
    this.containerName = server.name;
    this.imageId = image.imageId;
    this.imageRef = image.ref;
    this.gpu = cfg.device === 'cuda';
    this.registerOutputs({
      url: this.url,
      metricsUrl: this.metricsUrl,
      containerName: this.containerName,
      imageId: this.imageId,
      imageRef: this.imageRef,
    });
  }
}
