import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/pulumi-program';
import { EXAMPLES_DIR } from '../helpers/stacks';

/**
 * The README's own command, `npm run render -- --stack-file examples/stacks/Pulumi.<x>.yaml --out
 * out --image ...`, on every example stack exactly as shipped: no secret is set (render writes
 * none, so it needs none); the kustomization header names the Secrets to create.
 */
const IMAGE = 'registry.internal.example.com:5000/llm-deploy@sha256:' + '0'.repeat(64);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-deploy-render-examples-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const examples = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((name) => /^Pulumi\..+\.yaml$/.test(name))
  .map((name) => name.slice('Pulumi.'.length, -'.yaml'.length));

function render(stack: string) {
  const out = path.join(tmp, stack);
  const args = ['--stack-file', `examples/stacks/Pulumi.${stack}.yaml`, '--out', out];
  const result = spawnSync('npm', ['run', '-s', 'render', '--', ...args, '--image', IMAGE], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return { ...result, out };
}

const kubernetesExamples = examples.filter((stack) => stack !== 'edge');

test('every example stack is covered', () => {
  expect(examples).toEqual(expect.arrayContaining(['onprem', 'onprem-cpu', 'aws', 'gcp', 'edge']));
});

test.each(kubernetesExamples)('Pulumi.%s.yaml renders as shipped, without its secrets', (stack) => {
  const { status, stderr, out } = render(stack);
  expect(stderr).toBe('');
  expect(status).toBe(0);
  const kustomization = fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8');
  const document = parse(fs.readFileSync(path.join(EXAMPLES_DIR, `Pulumi.${stack}.yaml`), 'utf8'));
  if (document.config['llm-deploy:host'] && !document.config['llm-deploy:allowAnonymous']) {
    // Public: the pods read API keys from a Secret the GitOps user creates.
    expect(kustomization).toMatch(/Create these Secrets before applying[\s\S]*keys: api-keys/);
    const deployment = fs.readdirSync(out).find((name) => name.includes('-deployment-'))!;
    expect(fs.readFileSync(path.join(out, deployment), 'utf8')).toContain('API_KEYS_FILE');
  }
});

test('the edge example says in one line why it has nothing to render', () => {
  const { status, stderr } = render('edge');
  expect(status).toBe(2);
  expect(stderr).toMatch(/^render: llm-deploy:target = edge: .*no Kubernetes objects to render/);
});
