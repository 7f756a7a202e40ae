/**
 * What `npm run render` writes for the on-prem examples, applied to the local API server with
 * server-side dry run and strict field validation: unknown or misplaced fields, bad values and
 * admission (Pod Security of the restricted namespace) are judged by Kubernetes itself, which
 * kubernetes-models cannot do. The KEDA and prometheus-operator kinds are checked against their
 * real CRDs (toolchain.sh fetched them).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from './support/cluster';
import { e2e } from './support/context';
import { makeTempDir, REPO_ROOT } from './support/toolchain';

const EXAMPLES = path.join(REPO_ROOT, 'examples', 'stacks');
const IMAGE = `registry.internal.example.com:5000/llm-deploy@sha256:${'3'.repeat(64)}`;
/** Kinds whose CRD the proxy does not serve at the pinned chart's version (see the README). */
const NO_CRD: Record<string, string> = {
  HTTPScaledObject: 'github.com/kedacore/http-add-on@v0.10.0 is not served by the Go proxy',
};

/** The on-prem examples, and aws-vllm's workload (runtime vllm: the engine container beside ours). */
const onPremExamples = fs
  .readdirSync(EXAMPLES)
  .filter((f) => /^Pulumi\.(onprem.*|aws-vllm)\.yaml$/.test(f))
  .sort();
/** What a user sets first in aws-vllm (its header says how to read the digest of a release). */
const VLLM_IMAGE = `vllm/vllm-openai:v0.12.0@sha256:${'c'.repeat(64)}`;

describe('rendered manifests on the real API server', { concurrency: false }, () => {
  let out: string;

  before(async () => {
    out = makeTempDir('llm-deploy-render-');
    const { kube, crdsDir } = {
      kube: e2e().cluster.kube,
      crdsDir: path.join(path.dirname(e2e().bin), 'crds'),
    };
    await kube.kubectl(['apply', '--server-side', '-f', crdsDir]);
    await kube.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  });

  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('the dry run does reject an unknown field (so an accepted object means something)', async () => {
    const bogus = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'bogus', namespace: 'default' },
      data: { a: 'b' },
      spec: { replicas: 1 },
    };
    const args = ['apply', '--server-side', '--dry-run=server', '--validate=strict', '-f', '-'];
    await assert.rejects(
      e2e().cluster.kube.kubectl(args, JSON.stringify(bogus)),
      /\.spec: field not declared in schema/,
    );
  });

  for (const example of onPremExamples) {
    it(
      `${example}: accepted by a server-side dry run with strict field validation`,
      { timeout: 120_000 },
      async () => {
        const { kube } = e2e().cluster;
        const dir = path.join(out, example);
        // The same command as `npm run render`, on the example as a user's copy of it is once its
        // header's `pulumi config set --secret` lines ran (render reads which secrets are set).
        const stackFile = path.join(out, `copy-${example}`);
        const document = parse(fs.readFileSync(path.join(EXAMPLES, example), 'utf8')) as {
          config: Record<string, unknown>;
        };
        for (const key of ['apiKeys', 'hfToken', 'registryPassword']) {
          document.config[`llm-deploy:${key}`] = { secure: `v1:AAAAciphertextOf${key}` };
        }
        const vllm = document.config['llm-deploy:vllm'] as Record<string, unknown> | undefined;
        if (vllm) vllm.image = VLLM_IMAGE;
        fs.writeFileSync(stackFile, stringify(document));
        execFileSync(
          process.execPath,
          [
            '-r',
            './infra/render/register-ts.js',
            'infra/render/cli.ts',
            '--stack-file',
            stackFile,
            '--out',
            dir,
            '--image',
            IMAGE,
          ],
          { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
        );
        const files = fs
          .readdirSync(dir)
          .filter((f) => f !== 'kustomization.yaml')
          .sort();
        const objects = files.map((f) => ({
          file: f,
          object: parse(fs.readFileSync(path.join(dir, f), 'utf8')) as KubeObject,
        }));
        // kustomize (inside kubectl) must build the same objects from kustomization.yaml.
        const built = (await kube.kubectl(['kustomize', dir]))
          .split(/^---$/m)
          .filter((d) => d.trim());
        assert.equal(built.length, files.length, 'kustomization.yaml lists every rendered file');

        const namespace = objects.find((o) => o.object.kind === 'Namespace');
        assert.ok(namespace, 'the render has a Namespace');
        // A dry run creates nothing, so the namespace the other objects go into is created for real,
        // and so are the add-ons' namespaces that some objects go into (the dashboard and the alert
        // rules go to Prometheus's), which the add-ons' charts create on a real cluster.
        await kube.kubectl([
          'apply',
          '--server-side',
          '--validate=strict',
          '-f',
          path.join(dir, namespace.file),
        ]);
        const addonNamespaces = [
          ...new Set(
            objects.map((o) => o.object.metadata.namespace).filter((n) => n !== undefined),
          ),
        ].filter((n) => n !== namespace.object.metadata.name);
        for (const name of addonNamespaces) await kube.kubectl(['create', 'namespace', name]);
        try {
          const checked = objects.filter((o) => o !== namespace && !(o.object.kind in NO_CRD));
          const args = [
            'apply',
            '--server-side',
            '--dry-run=server',
            '--validate=strict',
            '--field-manager=llm-deploy-render',
          ];
          const { stdout: result, stderr } = await kube.kubectlWithWarnings([
            ...args,
            ...checked.flatMap((o) => ['-f', path.join(dir, o.file)]),
          ]);
          const accepted = result.split('\n').filter((l) => l.includes('(server dry run)'));
          assert.equal(accepted.length, checked.length, result);
          // The namespace enforces the restricted Pod Security Standard: a pod template that would
          // violate it comes back as a warning on the Deployment.
          assert.equal(stderr.trim(), '', 'the API server warned');
          const skipped = objects
            .filter((o) => o.object.kind in NO_CRD)
            .map((o) => `${o.object.kind} (${NO_CRD[o.object.kind]})`);
          process.stdout.write(
            `render ${example}: ${checked.length + 1} objects accepted (${[namespace, ...checked].map((o) => o.object.kind).join(', ')})` +
              `${skipped.length ? `; not validated: ${skipped.join(', ')}` : ''}\n`,
          );
        } finally {
          await kube.kubectl([
            'delete',
            'namespace',
            namespace.object.metadata.name,
            ...addonNamespaces,
            '--wait=true',
            '--timeout=120s',
          ]);
        }
      },
    );
  }
});
