/**
 * The e2e stacks (test/e2e/stacks/) through preview, up, a second up, config changes, refresh and
 * destroy on the local cluster, each result checked against the API server, not Pulumi's state.
 */
import assert from 'node:assert/strict';
import * as path from 'path';
import { after, describe, it } from 'node:test';
import type { Stack } from '@pulumi/pulumi/automation';
import { isAvailable, WORKLOAD_KINDS, type KubeObject } from './support/cluster';
import { e2e } from './support/context';
import { OperationLog, openStack, readStackFile, stateFile } from './support/stack';
import { E2E_DIR } from './support/toolchain';

const SECRETS = {
  'llm-deploy:registryPassword': 'e2e-registry-password-7f3a',
  'llm-deploy:apiKeys': 'e2e-key-one-91c2,e2e-key-two-44d8',
  'llm-deploy:hfToken': 'hf_e2eTokenThatMustNeverBePlain',
};
const MINUTE = 60_000;

interface StackCase {
  stack: string;
  name: string;
  namespace: string;
  /** The node the scheduler must put the pods on. */
  node: 'gpu-node' | 'cpu-node';
  /** What a maxReplicas change must update: the HPA, or nothing when no autoscaler reads it. */
  maxReplicasUpdates: string[];
  /** The secrets the stack sets (only those its config needs, as a user would). */
  secrets: (keyof typeof SECRETS)[];
}

const CASES: StackCase[] = [
  {
    stack: 'e2e-gpu',
    name: 'llm-gpu',
    namespace: 'llm-gpu',
    node: 'gpu-node',
    maxReplicasUpdates: [],
    secrets: ['llm-deploy:registryPassword', 'llm-deploy:apiKeys', 'llm-deploy:hfToken'],
  },
  {
    stack: 'e2e-cpu',
    name: 'llm-cpu',
    namespace: 'llm-e2e-cpu',
    node: 'cpu-node',
    maxReplicasUpdates: ['kubernetes:autoscaling/v2:HorizontalPodAutoscaler'],
    secrets: ['llm-deploy:registryPassword', 'llm-deploy:apiKeys'],
  },
];

for (const c of CASES) describe(`stack ${c.stack}`, { concurrency: false }, () => stackSuite(c));

function stackSuite(c: StackCase): void {
  let stack: Stack | undefined;
  let destroyed = false;
  const report: Record<string, string> = {};
  const open = async (): Promise<Stack> => {
    if (stack) return stack;
    const { sandbox, bin, cluster } = e2e();
    const file = readStackFile(path.join(E2E_DIR, 'stacks', `Pulumi.${c.stack}.yaml`));
    const onprem = file.config['llm-deploy:onprem'] as Record<string, unknown>;
    file.config['llm-deploy:onprem'] = { ...onprem, kubeconfigPath: cluster.kubeconfig };
    const secrets = Object.fromEntries(
      c.secrets.map((key) => [key, { value: SECRETS[key], secret: true }]),
    );
    stack = await openStack(sandbox, bin, c.stack, file, secrets);
    return stack;
  };
  const kube = () => e2e().cluster.kube;
  const deployment = () => kube().get('deployment', c.name, c.namespace);

  it('preview lists every object as a create', { timeout: 5 * MINUTE }, async () => {
    const log = new OperationLog();
    const preview = await (await open()).preview({ onEvent: log.onEvent });
    const notCreate = log.ops.filter((o) => o.op !== 'create');
    assert.deepEqual(notCreate, [], 'a first preview may only create');
    const kinds = log.ops.map((o) => o.type);
    for (const kind of [
      'kubernetes:core/v1:Namespace',
      'kubernetes:apps/v1:Deployment',
      'kubernetes:core/v1:Service',
    ]) {
      assert.ok(kinds.includes(kind), `preview creates a ${kind}`);
    }
    assert.equal(preview.changeSummary.create, log.ops.length);
  });

  it(
    'up creates everything and the Deployment becomes Available',
    { timeout: 10 * MINUTE },
    async () => {
      const log = new OperationLog();
      const up = await (await open()).up({ onEvent: log.onEvent });
      assert.equal(up.summary.result, 'succeeded');
      assert.deepEqual(
        log.ops.filter((o) => o.op !== 'create').map((o) => `${o.op} ${o.urn}`),
        [],
      );
      const objects = log.ops.filter((o) => /^kubernetes:(?!helm)[^:]+:/.test(o.type));
      report['resources created'] =
        `${up.summary.resourceChanges?.create ?? 0} (Kubernetes objects: ` +
        `${objects.map((o) => o.type.split(':').pop()).join(', ')})`;
      assert.ok(isAvailable(await deployment()), 'the Deployment is Available');
    },
  );

  it(`the scheduler puts the pods on ${c.node}`, { timeout: MINUTE }, async () => {
    const pods = await kube().list('pods', ['-n', c.namespace]);
    assert.ok(pods.length > 0, 'the Deployment has pods');
    const nodes = pods.map(
      (p) => `${p.metadata.name} -> ${(p.spec?.nodeName as string) ?? '(none)'}`,
    );
    report['pods'] = nodes.join(', ');
    for (const pod of pods)
      assert.equal(pod.spec?.nodeName, c.node, `${pod.metadata.name} runs on ${c.node}`);
  });

  it(
    'a second up and preview --expect-no-changes find nothing to change',
    { timeout: 10 * MINUTE },
    async () => {
      const s = await open();
      const log = new OperationLog();
      const up = await s.up({ onEvent: log.onEvent });
      report['changes on second up'] = String(log.changes().length);
      assert.deepEqual(log.changes(), [], 'the second up changes nothing');
      assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ['same']);
      await s.preview({ expectNoChanges: true });
    },
  );

  it(
    'a logLevel change updates the Deployment in place and nothing else',
    { timeout: 10 * MINUTE },
    async () => {
      const s = await open();
      const before = await deployment();
      await s.setConfig('llm-deploy:logLevel', { value: 'debug' });
      const preview = new OperationLog();
      await s.preview({ onEvent: preview.onEvent });
      assert.deepEqual(
        preview.objectChanges().map((line) => line.split(' [')[0]),
        [`update kubernetes:apps/v1:Deployment ${c.name}-deployment`],
      );
      // The LlmEndpoint records the new args: an update, never a replace.
      assert.deepEqual(
        preview
          .changes()
          .filter((line) => !preview.objectChanges().includes(line))
          .map((line) => line.split(' [')[0]),
        [`update llm-deploy:llm-endpoint:LlmEndpoint ${c.name}`],
      );
      const up = new OperationLog();
      await s.up({ onEvent: up.onEvent });
      assert.deepEqual(up.changes(), preview.changes());
      const afterUp = await deployment();
      assert.equal(afterUp.metadata.uid, before.metadata.uid, 'the Deployment was not replaced');
      assert.equal(containerEnv(afterUp, 'LOG_LEVEL'), 'debug');
      assert.ok(isAvailable(afterUp), 'the rollout finished');
    },
  );

  it(
    `a maxReplicas change updates ${c.maxReplicasUpdates.join(', ') || 'no cluster object'}`,
    { timeout: 10 * MINUTE },
    async () => {
      const s = await open();
      await s.setConfig('llm-deploy:maxReplicas', { value: '4' });
      const preview = new OperationLog();
      await s.preview({ onEvent: preview.onEvent });
      assert.deepEqual(
        preview
          .byOp('update')
          .map((o) => o.type)
          .filter((type) => type.startsWith('kubernetes:')),
        c.maxReplicasUpdates,
      );
      assert.deepEqual(
        preview.objectChanges().length,
        c.maxReplicasUpdates.length,
        preview.objectChanges().join('\n'),
      );
      await s.up();
      await s.preview({ expectNoChanges: true });
    },
  );

  it('refresh finds no drift', { timeout: 10 * MINUTE }, async () => {
    const s = await open();
    const log = new OperationLog();
    const refresh = await s.refresh({ onEvent: log.onEvent });
    assert.deepEqual(log.changes(), [], 'refresh changed nothing');
    assert.deepEqual(Object.keys(refresh.summary.resourceChanges ?? {}), ['same']);
    await s.preview({ expectNoChanges: true });
  });

  it('secrets stay encrypted in the state file', () => {
    const state = stateFile(e2e().sandbox, c.stack);
    for (const key of c.secrets) {
      const value = SECRETS[key];
      for (const part of value.split(','))
        assert.ok(!state.includes(part), `${key} appears in plain text in the state`);
    }
    assert.ok(state.includes('"ciphertext"'), 'the state holds encrypted values');
  });

  it('the stack outputs are what the README says', { timeout: MINUTE }, async () => {
    const outputs = await (await open()).outputs();
    const values = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    const endpoint = `http://${c.name}.${c.namespace}.svc.cluster.local:8080`;
    const file = readStackFile(path.join(E2E_DIR, 'stacks', `Pulumi.${c.stack}.yaml`));
    const image = file.config['llm-deploy:image'] as string;
    assert.deepEqual(Object.keys(values).sort(), [
      'costEstimate',
      'endpoint',
      'image',
      'imageDigest',
      'namespace',
      'openaiBaseUrl',
      'playgroundUrl',
    ]);
    assert.equal(values.endpoint, endpoint);
    assert.equal(values.openaiBaseUrl, `${endpoint}/v1`);
    assert.equal(values.playgroundUrl, `${endpoint}/`);
    assert.equal(values.image, image);
    assert.equal(values.imageDigest, image.slice(image.indexOf('@') + 1));
    assert.equal(values.namespace, c.namespace);
    // README (Cost estimate): on-prem stacks show zero, hardware you already run.
    const cost = values.costEstimate as { currency: string; hourlyUsd: object; monthlyUsd: object };
    assert.equal(cost.currency, 'USD');
    assert.deepEqual(cost.hourlyUsd, { atMinReplicas: 0, atMaxReplicas: 0 });
    assert.deepEqual(cost.monthlyUsd, { atMinReplicas: 0, atMaxReplicas: 0 });
    report['endpoint'] = String(values.endpoint);
  });

  it('destroy leaves nothing behind in the cluster', { timeout: 10 * MINUTE }, async () => {
    const s = await open();
    await s.destroy();
    destroyed = true;
    const namespace = await kube().find('namespace', c.namespace);
    const left = await kube().list(WORKLOAD_KINDS, [
      '-A',
      '-l',
      `app.kubernetes.io/instance=${c.name}`,
    ]);
    report['objects left after destroy'] = String(left.length + (namespace ? 1 : 0));
    assert.equal(namespace, undefined, `namespace ${c.namespace} is gone`);
    assert.deepEqual(left.map(describeObject), []);
  });

  after(async () => {
    if (stack && !destroyed)
      await stack.destroy().catch((e: Error) => process.stdout.write(`cleanup: ${e.message}\n`));
    if (stack) await stack.workspace.removeStack(c.stack).catch(() => undefined);
    process.stdout.write(
      `e2e ${c.stack}: ${Object.entries(report)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}\n`,
    );
  });
}

function containerEnv(deployment: KubeObject, name: string): string | undefined {
  const template = (deployment.spec?.template ?? {}) as {
    spec?: { containers?: { env?: { name: string; value?: string }[] }[] };
  };
  return template.spec?.containers?.[0]?.env?.find((e) => e.name === name)?.value;
}

function describeObject(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
