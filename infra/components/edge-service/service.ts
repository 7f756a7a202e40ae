import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems } from '../../model';
import { resolveEdgeArgs, type EdgeServiceArgs, type ResolvedEdgeArgs } from './args';
import { SERVER_PORT, serverContainerArgs } from './container';
import { edgeImage } from './image';
import { tlsProxy } from './proxy';
import { edgeArgProblems } from './validate';

function dockerProvider(
  name: string,
  cfg: ResolvedEdgeArgs,
  parent: pulumi.Resource,
): docker.Provider {
  const registry = 'pull' in cfg.image ? cfg.image.pull.registry : undefined;
  return new docker.Provider(
    `${name}-docker`,
    {
      host: cfg.host,
      sshOpts: cfg.sshOpts.length > 0 ? cfg.sshOpts : undefined,
      registryAuth: registry
        ? [{ address: registry.server, username: registry.username, password: registry.password }]
        : undefined,
    },
    { parent },
  );
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
    // Formerly `llm-deploy:platforms:EdgeService`: the alias keeps existing stacks from replacing it.
    super(
      'llm-deploy:edge-service:EdgeService',
      name,
      {},
      pulumi.mergeOptions(opts, { aliases: [{ type: 'llm-deploy:platforms:EdgeService' }] }),
    );
    const cfg = resolveEdgeArgs(name, args);
    const dockerOpts = { parent: this, provider: dockerProvider(name, cfg, this) };
    const image = edgeImage(name, cfg, dockerOpts);
    const cache = new docker.Volume(
      `${name}-cache`,
      { name: `${cfg.containerName}-model-cache` },
      dockerOpts,
    );
    const network = cfg.domain
      ? new docker.Network(`${name}-net`, { name: `${cfg.containerName}-net` }, dockerOpts)
      : undefined;
    const server = new docker.Container(
      `${name}-server`,
      serverContainerArgs(cfg, { imageId: image.imageId, cacheVolume: cache.name, network }),
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
