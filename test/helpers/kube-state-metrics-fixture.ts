import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN for kube-state-metrics, which reads a cluster's API and so cannot run here: a static
 * text exposition, served on loopback, of the series kube-state-metrics would publish for one
 * Deployment of llm-deploy with one ready pod (names and labels as kube-state-metrics v2 writes
 * them, with the part-of label the add-on allowlists). Only the kube_* panels and alerts read it;
 * every llm_* series in the tests comes from the real server.
 */
export interface KubeStateFixture {
  namespace: string;
  deployment: string;
  pod: string;
  container: string;
  replicas: number;
}

export function kubeStateExposition(f: KubeStateFixture): string {
  const deployment = `namespace="${f.namespace}",deployment="${f.deployment}"`;
  const pod = `namespace="${f.namespace}",pod="${f.pod}"`;
  const partOf = 'label_app_kubernetes_io_part_of="llm-deploy"';
  const gauge = (name: string, labels: string, value: number, type = 'gauge') =>
    `# TYPE ${name} ${type}\n${name}{${labels}} ${value}\n`;
  return [
    gauge('kube_deployment_spec_replicas', deployment, f.replicas),
    gauge('kube_deployment_status_replicas_available', deployment, f.replicas),
    gauge('kube_deployment_labels', `${deployment},${partOf}`, 1),
    gauge(
      'kube_horizontalpodautoscaler_status_desired_replicas',
      `namespace="${f.namespace}",horizontalpodautoscaler="keda-hpa-${f.deployment}"`,
      f.replicas,
    ),
    gauge(
      'kube_pod_container_status_restarts_total',
      `${pod},container="${f.container}"`,
      0,
      'counter',
    ),
    gauge('kube_pod_status_ready', `${pod},condition="true"`, 1),
    gauge('kube_pod_labels', `${pod},${partOf}`, 1),
  ].join('');
}

/** Serves the exposition at /metrics; returns the server and its host:port. */
export async function serveKubeStateFixture(
  f: KubeStateFixture,
): Promise<{ server: Server; target: string }> {
  const body = kubeStateExposition(f);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}
