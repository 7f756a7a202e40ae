import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { ServiceSettings } from '../model';

const STARTUP_PERIOD_SECONDS = 10;

/** Probes `check` until the model is downloaded, loaded and warm: modelLoadSeconds in all. */
export function startupProbeFor(
  service: ServiceSettings,
  check: Pick<IProbe, 'httpGet' | 'exec'>,
): IProbe {
  return {
    ...check,
    periodSeconds: STARTUP_PERIOD_SECONDS,
    timeoutSeconds: 5,
    failureThreshold: Math.ceil(service.modelLoadSeconds / STARTUP_PERIOD_SECONDS),
  };
}

/** Every container: non-root, read-only root, no capabilities, no escalation, RuntimeDefault. */
export function hardenedSecurityContext(): ISecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
