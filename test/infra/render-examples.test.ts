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

function render(stack: string, stackFile = `examples/stacks/Pulumi.${stack}.yaml`) {
  const out = path.join(tmp, stack);
  const args = ['--stack-file', stackFile, '--out', out];
  const result = spawnSync('npm', ['run', '-s', 'render', '--', ...args, '--image', IMAGE], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return { ...result, out };
}

/**
 * Examples that need a value only the user can give: the vLLM image's digest, which llm-deploy
 * never invents. As shipped they stop at that one problem; with it set they render.
 */
const NEEDS_USER_INPUT: Record<string, { problem: RegExp; line: [string, string] }> = {
  'aws-vllm': {
    problem:
      /^render: .*\n {2}- llm-deploy:vllm\.image = \(not set\): is required.*docker buildx imagetools inspect/s,
    line: [
      '    # image: vllm/vllm-openai:<version>@sha256:<digest>',
      `    image: vllm/vllm-openai:v0.12.0@sha256:${'1'.repeat(64)}`,
    ],
  },
};

const kubernetesExamples = examples.filter(
  (stack) => stack !== 'edge' && !(stack in NEEDS_USER_INPUT),
);

test.each(Object.keys(NEEDS_USER_INPUT))(
  'Pulumi.%s.yaml as shipped asks for what only the user knows; with it, it renders',
  (stack) => {
    const { problem, line } = NEEDS_USER_INPUT[stack];
    const shipped = render(stack);
    expect(shipped.status).not.toBe(0);
    expect(shipped.stderr).toMatch(problem);
    const text = fs.readFileSync(path.join(EXAMPLES_DIR, `Pulumi.${stack}.yaml`), 'utf8');
    expect(text).toContain(line[0]);
    const filled = path.join(tmp, `Pulumi.${stack}-filled.yaml`);
    fs.writeFileSync(filled, text.replace(line[0], line[1]));
    const { status, stderr } = render(stack, filled);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  },
);

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
