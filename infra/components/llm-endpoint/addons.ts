import type { AddonSettings, AlertThresholds, ServiceSettings } from '../../model';
import type { EndpointAddonsArgs } from './args';
import { ENDPOINT_DEFAULTS as D } from './defaults';

/** The alert rules' thresholds: the queue alert follows the autoscaler's target. */
export function alertThresholds(
  addons: EndpointAddonsArgs,
  service: ServiceSettings,
): AlertThresholds {
  return {
    ttftSloSeconds: (addons.ttftSloMilliseconds ?? D.ttftSloMilliseconds) / 1000,
    queuePerReplica: service.scaling.queuePerReplica,
  };
}

/**
 * The add-ons an endpoint installs, as ClusterAddons takes them (with the alerts' thresholds
 * from `service`; LlmEndpoint hands ClusterAddons the resolved ones too).
 */
export function addonSettings(addons: EndpointAddonsArgs, service: ServiceSettings): AddonSettings {
  const { ingress, scaling } = service;
  const certManager = addons.certManager ?? D.addonCertManager;
  const keda = addons.keda ?? D.addonKeda;
  const issuer = ingress && 'issuer' in ingress.tls ? ingress.tls.issuer : undefined;
  return {
    gpu: addons.gpu ?? D.addonGpu,
    ingressNginx: addons.ingressNginx ?? D.addonIngressNginx,
    certManager,
    keda,
    kedaHttp: keda && scaling.scaleToZero,
    prometheus: addons.prometheus ?? D.addonPrometheus,
    prometheusNamespace: service.prometheusNamespace,
    alerts: alertThresholds(addons, service),
    ...(issuer !== undefined && certManager && addons.acmeEmail
      ? {
          clusterIssuer: {
            name: issuer,
            email: addons.acmeEmail,
            server: addons.acmeServer ?? D.acmeServer,
          },
        }
      : {}),
    interceptorWaitSeconds: service.modelLoadSeconds,
    interceptorResponseSeconds: ingress?.requestTimeoutSeconds ?? D.requestTimeoutSeconds,
    ingressServiceType: addons.ingressServiceType ?? 'LoadBalancer',
    ingressClass: addons.ingressClass ?? ingress?.className ?? D.ingressClass,
  };
}
