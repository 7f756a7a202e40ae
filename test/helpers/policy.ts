/**
 * Policies every workload of every stack must meet, over plain Kubernetes objects (from the
 * mocks or from rendered YAML). Each check returns violations as sentences; none means it passes.
 */
import type { GpuScheduling } from '../../infra/model';
import { SECRET_SIG, withoutSecrets, type ResourceRecord } from './pulumi-program';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod'];
const SECRET_ENV_NAME = /(TOKEN|PASSWORD|SECRET|API_KEYS?$|CREDENTIALS)/;

const id = (o: Obj) => `${o.kind}/${o.metadata?.name}`;
const podSpecOf = (o: Obj): Obj => (o.kind === 'Pod' ? o.spec : o.spec?.template?.spec) ?? {};

/** Non-root, read-only root, no capabilities, no escalation, requests/limits and probes. */
export function workloadViolations(objects: Obj[]): string[] {
  const violations: string[] = [];
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
    const pod = podSpecOf(workload);
    for (const c of pod.containers ?? []) {
      const where = `${id(workload)} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true)
        violations.push(`${where} may run as root`);
      if ((sc.runAsUser ?? pod.securityContext?.runAsUser) === 0)
        violations.push(`${where} runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true)
        violations.push(`${where} has a writable root filesystem`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL'))
        violations.push(`${where} keeps Linux capabilities`);
      if ((sc.capabilities?.add ?? []).length > 0) violations.push(`${where} adds capabilities`);
      if (sc.allowPrivilegeEscalation !== false)
        violations.push(`${where} allows privilege escalation`);
      if (sc.privileged === true) violations.push(`${where} is privileged`);
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (c.resources?.[kind]?.[resource] === undefined)
            violations.push(`${where} has no ${resource} ${kind.slice(0, -1)}`);
        }
      }
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        if (!c[probe]) violations.push(`${where} has no ${probe}`);
      }
    }
  }
  return violations;
}

/** GPU requests only with tolerations for every GPU taint and the GPU node labels; none on CPU pods. */
export function gpuViolations(objects: Obj[], gpu: GpuScheduling): string[] {
  const violations: string[] = [];
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
    const pod = podSpecOf(workload);
    const requestsGpu = (pod.containers ?? []).some((c: Obj) =>
      Object.keys({ ...c.resources?.requests, ...c.resources?.limits }).some(
        (r) => r === gpu.resourceName || /gpu/i.test(r),
      ),
    );
    const tolerations: Obj[] = pod.tolerations ?? [];
    for (const taint of gpu.taints) {
      const tolerated = tolerations.some(
        (t) =>
          t.key === taint.key &&
          (t.effect === undefined || t.effect === taint.effect) &&
          (t.operator === 'Exists' ||
            (t.operator === 'Equal' && t.value === taint.value) ||
            (t.operator === undefined && t.value === taint.value)),
      );
      if (requestsGpu && !tolerated && taint.effect !== 'PreferNoSchedule')
        violations.push(
          `${id(workload)} requests a GPU without tolerating ${taint.key}:${taint.effect}`,
        );
      if (!requestsGpu && tolerated)
        violations.push(
          `${id(workload)} tolerates GPU taint ${taint.key} without requesting a GPU`,
        );
    }
    if (requestsGpu) {
      for (const [label, value] of Object.entries(gpu.nodeSelector)) {
        if (pod.nodeSelector?.[label] !== value)
          violations.push(`${id(workload)} requests a GPU without selecting ${label}=${value}`);
      }
      for (const c of pod.containers ?? []) {
        const request = c.resources?.requests?.[gpu.resourceName];
        if (request !== undefined && request !== c.resources?.limits?.[gpu.resourceName])
          violations.push(`${id(workload)} GPU request differs from its limit`);
      }
    }
  }
  return violations;
}

function resolveServicePort(
  objects: Obj[],
  namespace: string,
  name: string,
  port: Obj,
  from: string,
): string[] {
  const service = objects.find(
    (o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace,
  );
  if (!service) return [`${from} routes to Service ${name}, which does not exist`];
  const servicePort = (service.spec.ports ?? []).find((p: Obj) =>
    port.number !== undefined ? p.port === port.number : p.name === port.name,
  );
  if (!servicePort)
    return [
      `${from} routes to port ${port.number ?? port.name} that Service ${name} does not expose`,
    ];
  if (service.spec.type === 'ExternalName') {
    const httpSo = objects.find(
      (o) => o.kind === 'HTTPScaledObject' && o.metadata.namespace === namespace,
    );
    if (!httpSo)
      return [`${from} routes to ExternalName ${name} with no HTTPScaledObject behind it`];
    const ref = httpSo.spec.scaleTargetRef;
    return resolveServicePort(
      objects,
      namespace,
      ref.service,
      { number: ref.port },
      `HTTPScaledObject ${httpSo.metadata.name}`,
    );
  }
  const target = servicePort.targetPort ?? servicePort.port;
  const selected = objects.filter(
    (o) =>
      WORKLOAD_KINDS.includes(o.kind) &&
      o.metadata.namespace === namespace &&
      Object.entries(service.spec.selector ?? {}).every(
        ([k, v]) =>
          (o.kind === 'Pod' ? o.metadata.labels : o.spec.template.metadata.labels)?.[k] === v,
      ),
  );
  if (selected.length === 0) return [`Service ${name} selects no workload`];
  const hasPort = selected.every((w) =>
    podSpecOf(w).containers.some((c: Obj) =>
      (c.ports ?? []).some((p: Obj) =>
        typeof target === 'number' ? p.containerPort === target : p.name === target,
      ),
    ),
  );
  return hasPort
    ? []
    : [`Service ${name} targets port ${target}, which no selected container declares`];
}

/** Ingress -> Service -> container port all line up, and every public host has TLS. */
export function ingressViolations(objects: Obj[]): string[] {
  const violations: string[] = [];
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const tlsHosts = (ingress.spec.tls ?? [])
      .filter((t: Obj) => t.secretName)
      .flatMap((t: Obj) => t.hosts ?? []);
    for (const rule of ingress.spec.rules ?? []) {
      if (!tlsHosts.includes(rule.host))
        violations.push(`${id(ingress)} serves ${rule.host ?? 'every host'} without TLS`);
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend.service;
        violations.push(
          ...resolveServicePort(
            objects,
            ingress.metadata.namespace,
            backend.name,
            backend.port,
            id(ingress),
          ),
        );
      }
    }
  }
  return violations;
}

/** No secret value in plain env, ConfigMaps or any other object's text; secret env only by reference. */
export function plainSecretViolations(objects: Obj[], secretValues: string[]): string[] {
  const violations: string[] = [];
  for (const object of objects) {
    if (object.kind === 'Secret') continue;
    const text = JSON.stringify(object);
    for (const value of secretValues)
      if (text.includes(value))
        violations.push(`${id(object)} contains a secret value in plain text`);
    for (const workload of WORKLOAD_KINDS.includes(object.kind) ? [object] : []) {
      for (const c of podSpecOf(workload).containers ?? []) {
        for (const env of c.env ?? []) {
          if (SECRET_ENV_NAME.test(env.name) && env.value !== undefined)
            violations.push(`${id(object)} sets ${env.name} as a plain value`);
        }
      }
    }
  }
  return violations;
}

/**
 * Over recorded resource inputs: every Secret's data and every credential input (kubeconfig,
 * registry password) is a Pulumi secret, and no secret value shows anywhere outside one.
 */
export function pulumiSecretViolations(
  records: ResourceRecord[],
  secretValues: string[],
): string[] {
  const violations: string[] = [];
  const isWrapped = (v: unknown) => typeof v === 'object' && v !== null && SECRET_SIG in v;
  for (const r of records) {
    if (r.type === 'kubernetes:core/v1:Secret') {
      const data = r.inputs.stringData ?? r.inputs.data;
      const fields = isWrapped(data)
        ? []
        : Object.entries((data ?? {}) as Obj).filter(([, v]) => !isWrapped(v));
      for (const [key] of fields)
        violations.push(`${r.name}: Secret key ${key} is not a Pulumi secret`);
    }
    const visible = JSON.stringify(withoutSecrets(r.inputs));
    for (const value of secretValues)
      if (visible.includes(value))
        violations.push(`${r.type} ${r.name}: a secret value is visible in plain inputs`);
  }
  return violations;
}
