import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { serviceNames } from '../lib/naming';
import { HTTP_PORT, KEDA_INTERCEPTOR_PORT } from './constants';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

/**
 * The public HTTPS entry. The annotations (ingress-nginx) keep server-sent events unbuffered and
 * let a long generation stream without the proxy timing it out.
 */
export function toIngress(spec: InferenceSpec): (IIngress & { metadata: ObjectMeta }) | undefined {
  const { ingress, scaling } = spec.service;
  if (!ingress) return undefined;
  const names = serviceNames(spec.service.name);
  const timeout = String(ingress.requestTimeoutSeconds);
  const annotations: Record<string, string> = {
    'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
    'nginx.ingress.kubernetes.io/proxy-request-buffering': 'off',
    'nginx.ingress.kubernetes.io/proxy-read-timeout': timeout,
    'nginx.ingress.kubernetes.io/proxy-send-timeout': timeout,
    'nginx.ingress.kubernetes.io/proxy-body-size': ingress.maxBodySize,
    'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    ...('issuer' in ingress.tls ? { 'cert-manager.io/cluster-issuer': ingress.tls.issuer } : {}),
  };
  const backend = scaling.scaleToZero
    ? { name: names.interceptorService, port: { number: KEDA_INTERCEPTOR_PORT } }
    : { name: names.workload, port: { number: HTTP_PORT } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMeta(spec, names.workload, annotations),
    spec: {
      ingressClassName: ingress.className,
      tls: [
        {
          hosts: [ingress.host],
          secretName: 'secretName' in ingress.tls ? ingress.tls.secretName : names.tlsSecret,
        },
      ],
      rules: [
        {
          host: ingress.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] },
        },
      ],
    },
  };
}
