import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { main } from '../../infra/render/cli';
import { renderStack, writeRendered } from '../../infra/render/render';
import { allSchemaErrors } from '../helpers/kube-schema';
import {
  gpuViolations,
  ingressViolations,
  plainSecretViolations,
  workloadViolations,
} from '../helpers/policy';
import { kubeObjects, REPO_ROOT, runProgram } from '../helpers/pulumi-program';
import { exampleStackConfig, exampleStackFile, SECRET_TEXTS } from '../helpers/stacks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const IMAGE_A = 'registry.internal.example.com:5000/llm-deploy@sha256:' + 'a'.repeat(64);
const IMAGE_B = 'registry.internal.example.com:5000/llm-deploy@sha256:' + 'b'.repeat(64);
const CIPHERTEXT = 'v1:AAAABBBBccccDDDDeeee0123456789ciphertext';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-deploy-render-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The example stack as a user's file would be after `pulumi config set --secret` (ciphertext). */
function stackWithSecrets(stack: string): string {
  const document = parse(fs.readFileSync(exampleStackFile(stack), 'utf8'));
  for (const key of ['apiKeys', 'hfToken', 'registryPassword'])
    document.config[`llm-deploy:${key}`] = { secure: `${CIPHERTEXT}-${key}` };
  const file = path.join(tmp, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, stringify(document));
  return file;
}

const objectsOf = (files: Map<string, string>) =>
  [...files]
    .filter(([name]) => name !== 'kustomization.yaml')
    .map(([, text]) => parse(text) as Obj);

describe.each(['onprem', 'onprem-cpu', 'onprem-internal'])('render of %s', (stack) => {
  const files = renderStack({ stackFile: stackWithSecrets(stack), image: IMAGE_A });
  const objects = objectsOf(files);

  test('every file reads back the same under YAML 1.1, as kubectl, Argo CD and Flux read it', () => {
    // `off` (ingress-nginx's proxy-buffering) is a string in YAML 1.2 but a boolean in 1.1, which
    // the API server's decoder rejected in an annotation. Found by the e2e render suite.
    for (const [name, text] of files) {
      expect({ name, object: parse(text, { version: '1.1' }) }).toEqual({
        name,
        object: parse(text),
      });
    }
  });

  test('every object validates and passes the policies', () => {
    expect(allSchemaErrors(objects)).toEqual([]);
    expect(workloadViolations(objects)).toEqual([]);
    expect(ingressViolations(objects)).toEqual([]);
    const taints =
      stack === 'onprem'
        ? [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const }]
        : [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' as const }];
    expect(
      gpuViolations(objects, {
        resourceName: 'nvidia.com/gpu',
        nodeSelector: { 'nvidia.com/gpu.present': 'true' },
        taints,
      }),
    ).toEqual([]);
  });

  test('leaves secrets as references, never inlined', () => {
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    const all = [...files.values()].join('\n');
    expect(all).not.toContain(CIPHERTEXT);
    expect(plainSecretViolations(objects, [CIPHERTEXT, ...SECRET_TEXTS])).toEqual([]);
    expect(files.get('kustomization.yaml')).toMatch(/Create these Secrets before applying/);
    const listed = parse(files.get('kustomization.yaml')!).resources;
    expect(listed).toEqual([...files.keys()].filter((n) => n !== 'kustomization.yaml'));
  });

  test('a second render is byte-identical; a new digest changes only the Deployment', () => {
    const again = renderStack({ stackFile: stackWithSecrets(stack), image: IMAGE_A });
    const first = path.join(tmp, `${stack}-1`);
    const second = path.join(tmp, `${stack}-2`);
    writeRendered(files, first);
    writeRendered(again, second);
    for (const name of fs.readdirSync(first))
      expect(fs.readFileSync(path.join(second, name))).toEqual(
        fs.readFileSync(path.join(first, name)),
      );
    const moved = renderStack({ stackFile: stackWithSecrets(stack), image: IMAGE_B });
    const changed = [...files.keys()].filter((name) => files.get(name) !== moved.get(name));
    expect(changed).toEqual([expect.stringMatching(/^\d\d-deployment-/)]);
  });
});

test('render and pulumi up build the same objects (only the managed-by label differs)', async () => {
  const stack = 'onprem-internal';
  const run = await runProgram({
    stack,
    ...exampleStackConfig(stack, ['kubeconfig', 'registryPassword']),
  });
  const deployed = kubeObjects(run)
    .map((o) => o.object)
    .filter((o) => o.kind !== 'Secret');
  const rendered = objectsOf(renderStack({ stackFile: exampleStackFile(stack) }));
  const normalise = (o: Obj) =>
    JSON.parse(JSON.stringify(o).replaceAll('"llm-deploy-render"', '"pulumi"'));
  const byKindAndName = (a: Obj, b: Obj) =>
    `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
  expect(deployed.sort(byKindAndName)).toEqual(rendered.map(normalise).sort(byKindAndName));
});

describe.each([
  ['aws', { 'llm-deploy/pool': 'gpu' }],
  ['gcp', { 'llm-deploy/pool': 'gpu', 'cloud.google.com/gke-accelerator': 'nvidia-l4' }],
])('render of %s (a cluster llm-deploy makes)', (stack, nodeSelector) => {
  const objects = objectsOf(renderStack({ stackFile: stackWithSecrets(stack), image: IMAGE_A }));
  test("validates, passes the policies and schedules onto the platform's GPU nodes", () => {
    expect(allSchemaErrors(objects)).toEqual([]);
    expect(workloadViolations(objects)).toEqual([]);
    const pod = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec;
    expect(pod.nodeSelector).toEqual(nodeSelector);
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
    // Nodes pull with their cloud identity: no pull Secret to create.
    expect(pod.imagePullSecrets).toBeUndefined();
  });
});

describe('render of aws-vllm (runtime vllm)', () => {
  const VLLM_IMAGE = `vllm/vllm-openai:v0.12.0@sha256:${'c'.repeat(64)}`;
  const stackFile = stackWithSecrets('aws-vllm');
  const document = parse(fs.readFileSync(stackFile, 'utf8'));
  document.config['llm-deploy:vllm'].image = VLLM_IMAGE;
  fs.writeFileSync(stackFile, stringify(document));
  const objects = objectsOf(renderStack({ stackFile, image: IMAGE_A }));
  const pod = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec;

  test('both containers validate and pass the policies, the engine container included', () => {
    expect(pod.containers.map((c: Obj) => [c.name, c.image])).toEqual([
      ['server', IMAGE_A],
      ['vllm', VLLM_IMAGE],
    ]);
    expect(allSchemaErrors(objects)).toEqual([]);
    expect(workloadViolations(objects)).toEqual([]);
    expect(ingressViolations(objects)).toEqual([]);
    expect(plainSecretViolations(objects, [CIPHERTEXT, ...SECRET_TEXTS])).toEqual([]);
  });

  test('only the gateway is reachable: the Service targets its port, vLLM binds loopback', () => {
    const vllm = pod.containers.find((c: Obj) => c.name === 'vllm');
    expect(vllm.ports).toBeUndefined();
    expect(vllm.args[vllm.args.indexOf('--host') + 1]).toBe('127.0.0.1');
    const service = objects.find((o) => o.kind === 'Service')!;
    const gatewayPorts = pod.containers[0].ports.map((p: Obj) => p.name);
    for (const port of service.spec.ports) expect(gatewayPorts).toContain(port.targetPort);
  });
});

describe('npm run render', () => {
  const cli = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['-r', './infra/render/register-ts.js', 'infra/render/cli.ts', ...args],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );

  test('writes the manifests of a stack (a real process, as npm runs it)', () => {
    const out = path.join(tmp, 'cli');
    const result = cli('--stack-file', exampleStackFile('onprem-internal'), '--out', out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out)).toContain('03-deployment-llm-internal.yaml');
  });

  test("the README's render commands for the examples work as written", () => {
    // The README's command once failed as written (a public host without llm-deploy:apiKeys in the
    // file); the e2e render suite runs the examples as shipped too.
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const commands = [
      ...readme.matchAll(/^npm run render -- (--stack-file examples\/.*?)$(\n {2}.*$)?/gm),
    ];
    expect(commands.length).toBeGreaterThan(0);
    for (const [, first, rest] of commands) {
      const args = `${first} ${rest ?? ''}`
        .replace(/\\|#.*$/gm, ' ')
        .replace('<digest>', 'c'.repeat(64))
        .replace(/--out \S+/, `--out ${path.join(tmp, 'readme')}`)
        .split(/\s+/)
        .filter(Boolean);
      const result = cli(...args);
      expect({ args, stderr: result.stderr, status: result.status }).toEqual({
        args,
        stderr: '',
        status: 0,
      });
    }
  });

  test('loads no Pulumi SDK (render runs without the Pulumi CLI or its plugins)', () => {
    // A preloaded hook lists, as the process exits, every module it loaded from @pulumi/*.
    const loaded = path.join(tmp, 'loaded-modules.json');
    const hook = path.join(tmp, 'list-pulumi-modules.js');
    fs.writeFileSync(
      hook,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, ` +
        `JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('@pulumi')))));`,
    );
    const result = spawnSync(
      process.execPath,
      ['-r', './infra/render/register-ts.js', '-r', hook, 'infra/render/cli.ts'].concat(
        ['--stack-file', stackWithSecrets('onprem'), '--out', path.join(tmp, 'sdk-free')],
        ['--image', IMAGE_A],
      ),
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(loaded, 'utf8'))).toEqual([]);
  });

  test('says in one line what is wrong', () => {
    const inProcess = (...args: string[]) => {
      const written: string[] = [];
      const spy = jest
        .spyOn(process.stderr, 'write')
        .mockImplementation((text) => written.push(String(text)) > 0);
      try {
        return { status: main(args), stderr: written.join('') };
      } finally {
        spy.mockRestore();
      }
    };
    const noImage = inProcess(
      '--stack-file',
      stackWithSecrets('onprem'),
      '--out',
      path.join(tmp, 'x'),
    );
    expect(noImage).toEqual({
      status: 2,
      stderr:
        'render: no image to render: pass --image registry/repo@sha256:<digest> or set llm-deploy:image in the stack\n',
    });
    const edge = inProcess(
      '--stack-file',
      stackWithSecrets('edge'),
      '--out',
      path.join(tmp, 'x'),
      '--image',
      IMAGE_A,
    );
    expect(edge.stderr).toBe(
      'render: llm-deploy:target = edge: an edge stack is one container on a Docker host, with no Kubernetes objects to render; render an onprem, aws or gcp stack\n',
    );
    const missing = inProcess('--stack', 'nosuch', '--out', path.join(tmp, 'x'));
    expect(missing.stderr).toMatch(
      /^render: stack file .*Pulumi\.nosuch\.yaml does not exist; pass --stack <name>/,
    );
    expect(inProcess('--out', 'x').status).toBe(2);
    expect(inProcess('--stack', 'x', '--out', 'y', '--bogus').stderr).toMatch(
      /^render: Unknown option '--bogus'/,
    );
  });
});
