/**
 * The GitOps examples users copy (examples/gitops/), checked by tools: the GitHub Actions
 * workflows by actionlint, the Argo CD and Flux objects by their published CRDs' schemas (pinned
 * in test/fixtures/crds/crds.json), the Pulumi Kubernetes Operator's Stacks by our schema of its
 * documented API (test/fixtures/crds/pulumi-operator-stack.yaml), the rest by kubernetes-models.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { renderStack } from '../../infra/render/render';
import { cachePath, pinnedCrds, readPinnedCrd } from '../helpers/crd-cache';
import { crdSchemaErrors, crdSources } from '../helpers/crd-schema';
import { schemaErrors } from '../helpers/kube-schema';
import { REPO_ROOT } from '../helpers/pulumi-program';
import { exampleStackFile } from '../helpers/stacks';
import { tempDir } from '../helpers/temp-dir';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GITOPS = path.join(REPO_ROOT, 'examples', 'gitops');
const ACTIONLINT =
  process.env.ACTIONLINT ?? path.join(os.homedir(), '.cache', 'llm-deploy', 'tools', 'actionlint');
const CUSTOM_GROUPS = ['pulumi.com', 'argoproj.io', 'toolkit.fluxcd.io'];

function objectsIn(dir: string): Obj[] {
  const folder = path.join(GITOPS, dir);
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(folder, f), 'utf8')))
    .map((d) => d.toJS() as Obj);
}

const errorsOf = (o: Obj) =>
  CUSTOM_GROUPS.some((g) => String(o.apiVersion).includes(g))
    ? crdSchemaErrors(o)
    : schemaErrors(o);

describe.each(['pulumi-operator', 'argocd', 'flux'])('examples/gitops/%s', (dir) => {
  const objects = objectsIn(dir);
  test('every object validates against its schema', () => {
    expect(objects.length).toBeGreaterThan(0);
    const errors = objects.flatMap((o) =>
      errorsOf(o).map((e) => `${o.kind}/${o.metadata?.name}: ${e}`),
    );
    expect(errors).toEqual([]);
  });
});

test('the CRD schemas are the pinned releases, and catch what the API server would reject', () => {
  expect(crdSources()).toEqual({
    'pulumi.com/v1/Stack': 'pulumi-operator-stack.yaml',
    'argoproj.io/v1alpha1/Application':
      'github.com/argoproj/argo-cd/v3@v3.6.1 manifests/crds/application-crd.yaml',
    'kustomize.toolkit.fluxcd.io/v1/Kustomization':
      'github.com/fluxcd/kustomize-controller@v1.10.1 config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
    'source.toolkit.fluxcd.io/v1/GitRepository':
      'github.com/fluxcd/source-controller@v1.10.1 config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml',
  });
  const [stack] = objectsIn('pulumi-operator').filter((o) => o.kind === 'Stack');
  expect(crdSchemaErrors({ ...stack, spec: { ...stack.spec, projectRepoo: 'x' } })).toEqual([
    '/spec must NOT have additional properties: projectRepoo',
  ]);
  const withoutStack = { ...stack.spec };
  delete withoutStack.stack;
  expect(crdSchemaErrors({ ...stack, spec: withoutStack })).toEqual([
    "/spec must have required property 'stack'",
  ]);
  const [app] = objectsIn('argocd');
  expect(
    crdSchemaErrors({ ...app, spec: { ...app.spec, syncPolicy: { automated: 'yes' } } }),
  ).toEqual(['/spec/syncPolicy/automated must be object']);
});

test('our Stack schema checks the objects the examples use, field by field', () => {
  const [stack] = objectsIn('pulumi-operator').filter((o) => o.kind === 'Stack');
  const spec = {
    ...stack.spec,
    envRefs: { PULUMI_ACCESS_TOKEN: { type: 'Secrets', secret: { name: 'pulumi-api-secret' } } },
    prerequisites: [{ requirement: { succeededWithinDuration: '24h' } }],
    workspaceTemplate: { spec: { image: 'pulumi/pulumi', resources: { request: { cpu: '1' } } } },
  };
  expect(crdSchemaErrors({ ...stack, spec }).sort()).toEqual([
    "/spec/envRefs/PULUMI_ACCESS_TOKEN/secret must have required property 'key'",
    '/spec/envRefs/PULUMI_ACCESS_TOKEN/type must be equal to one of the allowed values',
    "/spec/prerequisites/0 must have required property 'name'",
    '/spec/workspaceTemplate/spec/resources must NOT have additional properties: request',
  ]);
});

test('a CRD missing from the cache, or changed there, fails naming the command that fetches it', () => {
  const [crd] = pinnedCrds();
  const cache = tempDir('crd-cache');
  expect(() => readPinnedCrd(crd, cache)).toThrow(
    `CRD ${crd.module}@${crd.version} ${crd.file} is not in ${cachePath(crd, cache)}: run \`npm run fetch-crds\` (.ci/run does)`,
  );
  fs.mkdirSync(path.dirname(cachePath(crd, cache)), { recursive: true });
  fs.writeFileSync(cachePath(crd, cache), 'kind: CustomResourceDefinition\n');
  expect(() => readPinnedCrd(crd, cache)).toThrow(
    new RegExp(
      `has sha256 [0-9a-f]{64}, crds.json pins ${crd.sha256}: run \`npm run fetch-crds\`$`,
    ),
  );
});

/** The example stack as it is after `pulumi config set --secret` of its secrets (ciphertext). */
function withSecretsSet(example: string): string {
  const document = parse(fs.readFileSync(exampleStackFile(example), 'utf8'));
  for (const key of ['apiKeys', 'hfToken', 'registryPassword'])
    document.config[`llm-deploy:${key}`] = { secure: `v1:ciphertext-of-${key}` };
  const file = path.join(tempDir('gitops'), `Pulumi.${example}.yaml`);
  fs.writeFileSync(file, stringify(document));
  return file;
}

test('Argo CD and Flux apply what render writes for each environment, into its namespace', () => {
  // The examples' staging and prod are shaped like examples/stacks' onprem-cpu and onprem.
  const environments = { staging: 'onprem-cpu', prod: 'onprem' };
  const applications = objectsIn('argocd');
  const kustomizations = objectsIn('flux').filter((o) => o.kind === 'Kustomization');
  for (const [env, example] of Object.entries(environments)) {
    const files = renderStack({
      stackFile: withSecretsSet(example),
      image: `registry.example.com/llm-deploy@sha256:${'c'.repeat(64)}`,
    });
    const namespace = [...files.values()].find((t) =>
      t.startsWith('apiVersion: v1\nkind: Namespace'),
    );
    const app = applications.find((a) => a.metadata.name === `llm-deploy-${env}`)!;
    expect(app.spec.source.path).toBe(`deploy/${env}`);
    expect(namespace).toContain(`name: ${app.spec.destination.namespace}\n`);
    const flux = kustomizations.find((k) => k.metadata.name === `llm-deploy-${env}`)!;
    expect(flux.spec.path).toBe(`./deploy/${env}`);
    expect(files.has('kustomization.yaml')).toBe(true);
  }
});

/** actionlint over a copy of examples/gitops/github laid out as a user's .github folder. */
function actionlint(mutate: (workflow: string) => string = (w) => w) {
  if (!fs.existsSync(ACTIONLINT))
    throw new Error(
      `actionlint not found at ${ACTIONLINT}: GOBIN=~/.cache/llm-deploy/tools go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 (.ci/run does)`,
    );
  const repo = tempDir('actionlint');
  fs.cpSync(path.join(GITOPS, 'github'), path.join(repo, '.github'), { recursive: true });
  const workflow = path.join(repo, '.github', 'workflows', 'llm-deploy.yaml');
  fs.writeFileSync(workflow, mutate(fs.readFileSync(workflow, 'utf8')));
  fs.mkdirSync(path.join(repo, '.git'));
  return spawnSync(ACTIONLINT, ['-no-color'], { cwd: repo, encoding: 'utf8' });
}

test('actionlint passes on the workflows (and fails on a broken one)', () => {
  const version = spawnSync(ACTIONLINT, ['-version'], { encoding: 'utf8' });
  expect(version.stdout).toMatch(/^v1\.7\.12/);
  const clean = actionlint();
  expect(`${clean.stdout}${clean.stderr}`).toBe('');
  expect(clean.status).toBe(0);
  const broken = actionlint((w) => w.replace('matrix.stack }}', 'matrix.stak }}'));
  expect(broken.status).toBe(1);
  expect(broken.stdout).toMatch(/property "stak" is not defined/);
});
