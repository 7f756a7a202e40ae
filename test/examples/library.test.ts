/**
 * examples/library: a separate Pulumi program that installs llm-deploy from the packed tarball
 * (`npm run example:library`) and adds an endpoint with LlmEndpoint. Run here under Pulumi mocks
 * with the example's own copy of the SDK, so the package is loaded exactly as a user's program
 * loads it: through its `exports`, from node_modules, with nothing from the source tree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { allSchemaErrors } from '../helpers/kube-schema';
import { pulumiSecretViolations, workloadViolations } from '../helpers/policy';
import { kubeObjects, REPO_ROOT, runProgram, unwrapSecrets } from '../helpers/pulumi-program';
import { callResult, computedOutputs } from '../infra/platforms/support/mocks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'library');
const PROJECT = 'llm-deploy-library-example';
const IMAGE = `registry.example.com/llm-deploy@sha256:${'c'.repeat(64)}`;
const API_KEY = 'sk-example-key-0123456789';
const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\n# example-kubeconfig-marker';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sourceDigest, STAMP } = require(path.join(EXAMPLE, 'install.js'));

const REINSTALL = 'run `npm run example:library` (it packs llm-deploy and installs it there)';

/** The package an import names (`@pulumi/pulumi`, `llm-deploy` of `llm-deploy/aws`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The example's program run under mocks, on an existing cluster or a new EKS cluster. */
function runExample(stack: string, config: Record<string, string>, secrets: string[] = []) {
  const keyed = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v]));
  return runProgram({
    stack,
    project: PROJECT,
    sdkFrom: EXAMPLE,
    program: path.join(EXAMPLE, 'index.ts'),
    config: keyed,
    secretKeys: secrets.map((key) => `${PROJECT}:${key}`),
    providers: { outputs: computedOutputs, call: callResult },
  });
}

beforeAll(() => {
  if (!fs.existsSync(path.join(EXAMPLE, 'node_modules', 'llm-deploy')))
    throw new Error(`examples/library has no llm-deploy installed: ${REINSTALL}`);
  const installed = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8').trim() : '(none)';
  if (installed !== sourceDigest())
    throw new Error(`examples/library has llm-deploy from older sources: ${REINSTALL}`);
});

describe('the library example', () => {
  test('loads llm-deploy from the installed tarball, and only through package names', () => {
    const entry = fs.realpathSync(require.resolve('llm-deploy', { paths: [EXAMPLE] }));
    expect(path.relative(EXAMPLE, entry)).toBe(
      'node_modules/llm-deploy/dist/infra/library/index.js',
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(manifest.dependencies['llm-deploy']).toBe('file:llm-deploy.tgz');
    for (const file of ['index.ts', 'example.ts']) {
      const text = fs.readFileSync(path.join(EXAMPLE, file), 'utf8');
      const imported = [...text.matchAll(/from '([^']+)'/g)]
        .map((m) => m[1])
        .filter((specifier) => !specifier.startsWith('./')) // the example's own files
        .map(packageOf);
      expect(imported.filter((name) => !(name in manifest.dependencies))).toEqual([]);
    }
  });

  test('importing the package entries declares nothing', async () => {
    for (const entry of ['llm-deploy', 'llm-deploy/aws']) {
      const run = await runProgram({
        stack: 'imports',
        project: PROJECT,
        sdkFrom: EXAMPLE,
        program: require.resolve(entry, { paths: [EXAMPLE] }),
        config: {},
      });
      expect([entry, run.error, run.records]).toEqual([entry, undefined, []]);
    }
  });

  test('adds an endpoint to an existing cluster', async () => {
    const run = await runExample(
      'existing',
      { image: IMAGE, kubeconfig: KUBECONFIG, apiKey: API_KEY },
      ['kubeconfig', 'apiKey'],
    );
    expect(run.error).toBeUndefined();
    const types = run.records.map((r) => `${r.type} ${r.name}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'pulumi:providers:kubernetes cluster',
        'llm-deploy:llm-endpoint:LlmEndpoint llm',
        'llm-deploy:inference-service:InferenceService llm',
      ]),
    );
    expect(types.filter((t) => /helm|docker|aws:/.test(t))).toEqual([]);
    const objects = kubeObjects(run).map((o) => o.object as Obj);
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'Deployment',
      'HorizontalPodAutoscaler',
      'Namespace',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    expect(allSchemaErrors(objects)).toEqual([]);
    expect(workloadViolations(objects)).toEqual([]);
    expect(pulumiSecretViolations(run.records, [API_KEY, 'example-kubeconfig-marker'])).toEqual([]);
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(IMAGE);
    expect(objects.find((o) => o.kind === 'Secret')!.stringData['api-keys']).toBe(API_KEY);
    expect(run.outputs).toEqual({
      endpoint: 'http://llm.llm.svc.cluster.local:8080',
      openaiBaseUrl: 'http://llm.llm.svc.cluster.local:8080/v1',
      namespace: 'llm',
    });
  });

  test('creates an EKS cluster and adds the endpoint to it', async () => {
    const run = await runExample('eks', { image: IMAGE, cluster: 'eks', awsRegion: 'eu-west-1' });
    expect(run.error).toBeUndefined();
    const named = (type: string) => run.records.filter((r) => r.type === type);
    expect(named('aws:eks/cluster:Cluster').map((r) => r.inputs.name)).toEqual(['llm-example']);
    expect(named('aws:iam/openIdConnectProvider:OpenIdConnectProvider')).toHaveLength(1);
    const deployment = kubeObjects(run).find((o) => o.object.kind === 'Deployment')!;
    const record = run.records.find((r) => r.name === deployment.name)!;
    expect(record.provider).toMatch(/::eks-k8s::/);
    // The platform installs the Cluster Autoscaler; the endpoint's add-ons are all off here.
    expect(named('kubernetes:helm.sh/v3:Release').map((r) => r.inputs.chart)).toEqual([
      'cluster-autoscaler',
    ]);
    expect((unwrapSecrets(run.outputs) as Obj).clusterName).toBe('llm-example');
  });
});
