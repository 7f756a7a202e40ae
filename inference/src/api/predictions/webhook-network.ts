import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';

/**
 * A webhook URL is chosen by the caller, so without a guard the server would POST wherever it is
 * told: its own loopback, the cloud's metadata service (169.254.169.254), the cluster's private
 * network. Only global unicast addresses receive webhooks unless the operator allows the rest.
 */

/** The address's special range (`loopback`, `private`, `linkLocal`, ...), or undefined if global. */
export function specialRange(address: string): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(bare)) return undefined;
  // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries.
  const range = ipaddr.process(bare).range();
  return range === 'unicast' ? undefined : range;
}

/** The connection a webhook would make goes to an address it may not reach. */
export class ForbiddenWebhookTarget extends Error {
  constructor(host: string, address: string, range: string) {
    const shown = host === address ? address : `${host} (${address})`;
    super(
      `webhook target ${shown} is a ${range} address; set WEBHOOK_ALLOW_PRIVATE=true to allow private networks`,
    );
    this.name = 'ForbiddenWebhookTarget';
  }
}

/** dns.lookup with `all: true`; replaceable so tests can point a name at loopback. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Resolves as the socket connects and refuses if any address is special: what is checked is what
 * is connected to, so a name that resolves to a public address once and a private one later
 * (DNS rebinding) is refused the second time.
 */
function guardedLookup(resolve: Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void =>
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const range = specialRange(address);
        if (range) return callback(new ForbiddenWebhookTarget(hostname, address, range), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
}

/** Plain sockets with the guarded lookup; IP literals skip lookup, so they are checked here. */
function guardedConnector(timeoutMs: number, resolve: Resolver): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(resolve), timeout: timeoutMs });
  return (options, callback) => {
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    const range = isIP(host) ? specialRange(host) : undefined;
    if (range) return callback(new ForbiddenWebhookTarget(host, host, range), null);
    connect(options, callback);
  };
}

/**
 * The fetch webhooks are sent with: redirects are never followed (a 3xx is a failed delivery),
 * and unless `allowPrivate`, connections only reach global unicast addresses.
 */
export function webhookFetch(
  allowPrivate: boolean,
  timeoutMs: number,
  resolve: Resolver = lookup,
): { fetch: typeof fetch; close: () => Promise<void> } {
  const dispatcher = new Agent(
    allowPrivate ? {} : { connect: guardedConnector(timeoutMs, resolve) },
  );
  const guarded = (url: string, init: RequestInit) =>
    undiciFetch(url, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      redirect: 'manual',
      dispatcher,
    });
  // Kept-alive sockets to receivers would hold the process open after the server closed.
  return { fetch: guarded as unknown as typeof fetch, close: () => dispatcher.destroy() };
}

/** Why a webhook URL is refused before anything is sent (an IP literal or localhost), or undefined. */
export function refusedWebhookHost(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  const range = specialRange(host);
  return range ? `${host} is a ${range} address` : undefined;
}

/** The guard's refusal behind a failed fetch (retrying cannot help), if that is why it failed. */
export function forbiddenTargetIn(error: unknown): ForbiddenWebhookTarget | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof ForbiddenWebhookTarget) return e;
  }
  return undefined;
}
