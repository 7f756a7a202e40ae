/** Kubernetes and DNS name rules, and the names every object of a service derives from one name. */

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1035 label (Service and Namespace names): lower case, starts with a letter, <= 63. */
export function isDnsLabel(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS_1035_LABEL.test(value);
}

/** A DNS-1123 subdomain (Secret, ConfigMap names; label keys' prefixes). */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_1123_SUBDOMAIN.test(value);
}

/** A public host name for an Ingress rule: a dotted DNS name, optionally with a leading `*.`. */
export function isHostName(value: string): boolean {
  const bare = value.startsWith('*.') ? value.slice(2) : value;
  return bare.includes('.') && isDnsSubdomain(bare);
}

/** The names of the objects that make up one InferenceService. */
export interface ServiceNames {
  /** Deployment, Service, ServiceAccount, PDB, autoscaler and NetworkPolicy. */
  workload: string;
  secret: string;
  /** kubernetes.io/dockerconfigjson Secret the pods pull the image with. */
  registrySecret: string;
  tlsSecret: string;
  cachePvc: string;
  /** ExternalName Service in the workload's namespace that points at the KEDA HTTP interceptor. */
  interceptorService: string;
}

export function serviceNames(name: string): ServiceNames {
  return {
    workload: name,
    secret: `${name}-secrets`,
    registrySecret: `${name}-registry`,
    tlsSecret: `${name}-tls`,
    cachePvc: `${name}-model-cache`,
    interceptorService: `${name}-interceptor`,
  };
}

/** Longest service name whose derived names all stay valid DNS labels. */
export const MAX_SERVICE_NAME_LENGTH = 63 - '-interceptor'.length;
