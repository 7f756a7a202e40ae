/**
 * Every example stack under examples/stacks/ that can run on the local cluster: up, a second up
 * with no changes, refresh with no drift, destroy leaving nothing. Which ones cannot, and why, is
 * decided from each example's own config and printed.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, describe, it } from 'node:test';
import type { Stack } from '@pulumi/pulumi/automation';
import { parseStackConfig, projectKeys } from '../../infra/config/parse';
import type { StackConfig } from '../../infra/config/stack-config';
import { CONTEXT, isAvailable, WORKLOAD_KINDS } from './support/cluster';
import { e2e } from './support/context';
import { OperationLog, openStack, readStackFile, type StackFile } from './support/stack';
import { REPO_ROOT } from './support/toolchain';

const EXAMPLES = path.join(REPO_ROOT, 'examples', 'stacks');
const MINUTE = 60_000;
const VLLM_IMAGE = `vllm/vllm-openai:v0.12.0@sha256:${'c'.repeat(64)}`;
const EXAMPLE_SECRETS = {
  'llm-deploy:apiKeys': 'example-key',
  'llm-deploy:registryPassword': 'example-registry-password',
};

/** Why an example cannot run on a bare local cluster with no network, or undefined if it can. */
export function whyNotLocal(config: StackConfig): string | undefined {
  if (config.target === 'aws' || config.target === 'gcp') {
    return `target ${config.target} creates a cloud cluster (needs the cloud's API and an account)`;
  }
  if (config.target === 'edge') {
    return 'target edge needs the Docker provider, which cannot be built from the Go proxy (README)';
  }
  const { addons, service } = config;
  const helm = [
    service.resources.gpus > 0 && addons.gpu !== 'none' ? `addonGpu ${addons.gpu}` : '',
    addons.ingressNginx ? 'addonIngressNginx' : '',
    addons.certManager ? 'addonCertManager' : '',
    addons.keda ? 'addonKeda' : '',
    addons.prometheus ? 'addonPrometheus' : '',
  ].filter(Boolean);
  const reasons = [
    helm.length ? `Helm add-ons on (${helm.join(', ')}): charts cannot be fetched here` : '',
    service.ingress
      ? `host ${service.ingress.host}: an Ingress waits for an ingress controller's address`
      : '',
    service.cache.kind === 'pvc' ? 'modelCache pvc: no provisioner binds the claim here' : '',
    service.scaling.scaleToZero
      ? 'scaleToZero: the KEDA HTTP add-on CRD is not available here'
      : '',
  ].filter(Boolean);
  return reasons.length ? reasons.join('; ') : undefined;
}

const examples = fs
  .readdirSync(EXAMPLES)
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .sort()
  .map((file) => {
    const stackFile = readStackFile(path.join(EXAMPLES, file));
    // The secrets each example's header says to set (their presence is what config checks), and
    // aws-vllm's engine image, which its header asks for first.
    const withSecrets: Record<string, unknown> = { ...stackFile.config, ...EXAMPLE_SECRETS };
    const vllm = withSecrets['llm-deploy:vllm'] as Record<string, unknown> | undefined;
    if (vllm) withSecrets['llm-deploy:vllm'] = { ...vllm, image: VLLM_IMAGE };
    const config = parseStackConfig(projectKeys(withSecrets), 'render');
    return { file, stackFile, config, why: whyNotLocal(config) };
  });

describe('example stacks', { concurrency: false }, () => {
  it('says which examples cannot run here and why', () => {
    for (const e of examples) {
      process.stdout.write(
        `example ${e.file}: ${e.why ? `not run: ${e.why}` : 'runs on the local cluster'}\n`,
      );
    }
    assert.ok(
      examples.some((e) => !e.why),
      'at least one example runs on the local cluster',
    );
  });

  for (const example of examples.filter((e) => !e.why))
    exampleSuite(example.file, example.stackFile, example.config);
});

/** The example pointed at the local cluster: its kubeconfig (as the secret or the path it uses). */
function localStackFile(
  file: StackFile,
  kubeconfig: string,
): { file: StackFile; kubeconfigSecret: boolean } {
  const config = { ...file.config };
  const onprem: Record<string, unknown> = {
    ...(config['llm-deploy:onprem'] as Record<string, unknown>),
    context: CONTEXT,
  };
  const kubeconfigSecret = onprem.kubeconfigPath === undefined;
  if (!kubeconfigSecret) onprem.kubeconfigPath = kubeconfig;
  config['llm-deploy:onprem'] = onprem;
  return { file: { config }, kubeconfigSecret };
}

function exampleSuite(fileName: string, stackFile: StackFile, config: StackConfig): void {
  const stackName = `example-${fileName.replace(/^Pulumi\.|\.yaml$/g, '')}`;
  const { name, namespace } = config.service;
  let stack: Stack | undefined;
  let destroyed = false;
  const report: Record<string, string> = {};
  const open = async (): Promise<Stack> => {
    if (stack) return stack;
    const { sandbox, bin, cluster } = e2e();
    const local = localStackFile(stackFile, cluster.kubeconfig);
    const secrets: Record<string, { value: string; secret: true }> = Object.fromEntries(
      Object.entries(EXAMPLE_SECRETS).map(([key, value]) => [
        key,
        { value, secret: true as const },
      ]),
    );
    if (local.kubeconfigSecret) {
      secrets['llm-deploy:kubeconfig'] = {
        value: fs.readFileSync(cluster.kubeconfig, 'utf8'),
        secret: true,
      };
    }
    stack = await openStack(sandbox, bin, stackName, local.file, secrets);
    return stack;
  };
  const kube = () => e2e().cluster.kube;

  describe(`example ${fileName}`, { concurrency: false }, () => {
    it('up creates it and the Deployment becomes Available', { timeout: 10 * MINUTE }, async () => {
      const up = await (await open()).up();
      report['resources created'] = String(up.summary.resourceChanges?.create ?? 0);
      // Under an HPA the Deployment leaves replicas to it: the up finishes once the first pod is
      // ready, then the HPA (on its next sync) scales it to minReplicas.
      const { minReplicas } = config.service.scaling;
      await kube().kubectl([
        'wait',
        `--for=jsonpath={.status.readyReplicas}=${minReplicas}`,
        `deployment/${name}`,
        '-n',
        namespace,
        '--timeout=120s',
      ]);
      const deployment = await kube().get('deployment', name, namespace);
      assert.ok(isAvailable(deployment));
      assert.equal(deployment.status?.readyReplicas, minReplicas);
      const pods = await kube().list('pods', ['-n', namespace]);
      report['pods'] = pods
        .map((p) => `${p.metadata.name} -> ${p.spec?.nodeName as string}`)
        .join(', ');
      const expected = config.service.resources.gpus > 0 ? 'gpu-node' : 'cpu-node';
      for (const pod of pods) assert.equal(pod.spec?.nodeName, expected);
    });

    it('a second up and a refresh change nothing', { timeout: 10 * MINUTE }, async () => {
      const s = await open();
      const up = new OperationLog();
      await s.up({ onEvent: up.onEvent });
      report['changes on second up'] = String(up.changes().length);
      assert.deepEqual(up.changes(), []);
      const refresh = new OperationLog();
      await s.refresh({ onEvent: refresh.onEvent });
      assert.deepEqual(refresh.changes(), []);
      await s.preview({ expectNoChanges: true });
    });

    it('destroy leaves nothing behind in the cluster', { timeout: 10 * MINUTE }, async () => {
      await (await open()).destroy();
      destroyed = true;
      const left = await kube().list(WORKLOAD_KINDS, [
        '-A',
        '-l',
        `app.kubernetes.io/instance=${name}`,
      ]);
      const ns = await kube().find('namespace', namespace);
      report['objects left after destroy'] = String(left.length + (ns ? 1 : 0));
      assert.equal(ns, undefined);
      assert.deepEqual(
        left.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
        [],
      );
    });

    after(async () => {
      if (stack && !destroyed)
        await stack.destroy().catch((e: Error) => process.stdout.write(`cleanup: ${e.message}\n`));
      if (stack) await stack.workspace.removeStack(stackName).catch(() => undefined);
      process.stdout.write(
        `e2e ${fileName}: ${Object.entries(report)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')}\n`,
      );
    });
  });
}
