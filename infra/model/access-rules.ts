// The rules of how an endpoint is reached (Ingress, TLS, who may connect, CORS), written once
// for the stack config and LlmEndpoint; service-fields.ts says how each names the fields.
import { isDnsLabel, isDnsSubdomain, isHostName } from '../lib/naming';
import { isNginxSize } from '../lib/quantity';
import { serviceProblem as problem, type FieldNames, type ServiceProblem } from './service-fields';

export function maxBodySizeProblems(maxBodySize: string, n: FieldNames): ServiceProblem[] {
  if (isNginxSize(maxBodySize)) return [];
  return [
    problem(
      n,
      'maxBodySize',
      maxBodySize,
      'is not an nginx size',
      'use digits with an optional k, m or g suffix, e.g. "10m"',
    ),
  ];
}

export function ingressProblems(host: string, className: string, n: FieldNames) {
  const problems: ServiceProblem[] = [];
  if (!isHostName(host)) {
    const fix = /^https?:\/\//.test(host)
      ? `drop the scheme and path: ${JSON.stringify(host.replace(/^https?:\/\//, '').split('/')[0])}`
      : 'use a lower-case DNS name such as "llm.example.com"';
    problems.push(problem(n, 'host', host, 'is not a DNS host name', fix));
  }
  if (!isDnsSubdomain(className))
    problems.push(
      problem(
        n,
        'ingressClass',
        className,
        'is not a valid IngressClass name',
        'use the class of your ingress controller, e.g. "nginx"',
      ),
    );
  return problems;
}

/** The namespace another component runs in (the NetworkPolicy admits its pods). */
export function peerNamespaceProblems(
  field: 'ingressControllerNamespace' | 'prometheusNamespace',
  value: string,
  n: FieldNames,
): ServiceProblem[] {
  if (isDnsLabel(value)) return [];
  return [
    problem(
      n,
      field,
      value,
      'is not a valid namespace name',
      'use the namespace the component runs in, e.g. "monitoring"',
    ),
  ];
}

/** A public endpoint answers anyone unless it has API keys, or says so. */
export function publicEndpointProblems(
  endpoint: { host?: string; hasApiKeys: boolean; allowAnonymous: boolean },
  n: FieldNames,
  howToAddKeys: string,
): ServiceProblem[] {
  if (endpoint.host === undefined || endpoint.hasApiKeys || endpoint.allowAnonymous) return [];
  return [
    problem(
      n,
      'apiKeys',
      undefined,
      `the endpoint is public (host ${endpoint.host}) and has no API keys`,
      `${howToAddKeys}, or set ${n.full('allowAnonymous')} true`,
      ['host', 'allowAnonymous'],
    ),
  ];
}

/** The ClusterIssuer the add-ons create for an Ingress's certificate. */
export function clusterIssuerProblems(
  issuer: { name: string; host: string; acmeEmail?: string; acmeServer: string },
  n: FieldNames,
): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  if (!issuer.acmeEmail)
    problems.push(
      problem(
        n,
        'acmeEmail',
        undefined,
        `the add-ons create the ClusterIssuer ${issuer.name} for ${issuer.host}, and ACME needs an account e-mail`,
        `set ${n.full('acmeEmail')}, or give an existing certificate in ${n.full('tlsSecretName')}`,
        ['tlsIssuer', 'host'],
      ),
    );
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(issuer.acmeEmail))
    problems.push(
      problem(
        n,
        'acmeEmail',
        issuer.acmeEmail,
        'is not an e-mail address',
        'use an address that can receive expiry notices, e.g. ops@example.com',
      ),
    );
  if (!/^https:\/\//.test(issuer.acmeServer))
    problems.push(
      problem(
        n,
        'acmeServer',
        issuer.acmeServer,
        'is not an https URL of an ACME directory',
        "use Let's Encrypt's https://acme-v02.api.letsencrypt.org/directory",
      ),
    );
  return problems;
}

/** As the server takes CORS_ORIGINS: `*`, or origins without a path. */
export function corsOriginProblems(origins: readonly string[], n: FieldNames): ServiceProblem[] {
  return origins
    .filter((origin) => origin !== '*' && URL.parse(origin)?.origin !== origin)
    .map((origin) =>
      problem(
        n,
        'corsOrigins',
        origin,
        'is not an origin (scheme://host[:port], no path or trailing slash)',
        'list origins as browsers send them, e.g. https://app.example.com, or * for any',
      ),
    );
}
