import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/** The network alias the proxy reaches the server by. */
export const SERVER_ALIAS = 'llm-deploy';

/**
 * Caddyfile: HTTPS for the domain with a certificate Caddy obtains and renews itself, and a
 * reverse proxy that flushes at once so streamed tokens (SSE) are not buffered.
 */
export function caddyfile(domain: string, upstreamPort: number, acmeEmail?: string): string {
  const global = acmeEmail ? `{\n\temail ${acmeEmail}\n}\n\n` : '';
  return (
    `${global}${domain} {\n` +
    `\treverse_proxy ${SERVER_ALIAS}:${upstreamPort} {\n` +
    `\t\tflush_interval -1\n` +
    `\t}\n` +
    `}\n`
  );
}

export interface TlsProxyArgs {
  containerName: string;
  image: string;
  domain: string;
  acmeEmail?: string;
  upstreamPort: number;
  network: docker.Network;
  restart: string;
}

/** Caddy on ports 80 and 443 (and 443/udp for HTTP/3), certificates kept in a volume. */
export function tlsProxy(
  name: string,
  args: TlsProxyArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  const image = new docker.RemoteImage(
    `${name}-proxy-image`,
    { name: args.image, keepLocally: true },
    opts,
  );
  const data = new docker.Volume(
    `${name}-proxy-data`,
    { name: `${args.containerName}-caddy-data` },
    opts,
  );
  return new docker.Container(
    `${name}-proxy`,
    {
      name: `${args.containerName}-proxy`,
      image: image.imageId,
      restart: args.restart,
      ports: [
        { internal: 80, external: 80 },
        { internal: 443, external: 443 },
        { internal: 443, external: 443, protocol: 'udp' },
      ],
      uploads: [
        {
          file: '/etc/caddy/Caddyfile',
          content: caddyfile(args.domain, args.upstreamPort, args.acmeEmail),
        },
      ],
      volumes: [{ volumeName: data.name, containerPath: '/data' }],
      networksAdvanced: [{ name: args.network.name }],
      // Caddy's admin API answers on loopback while the process serves; Docker restarts it by the
      // same policy as the server when it dies, and marks it unhealthy when it hangs.
      healthcheck: {
        tests: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:2019/config/'],
        interval: '15s',
        timeout: '5s',
        retries: 3,
        startPeriod: '10s',
      },
      wait: true,
      waitTimeout: 60,
      logDriver: 'json-file',
      logOpts: { 'max-size': '10m', 'max-file': '3' },
    },
    opts,
  );
}
