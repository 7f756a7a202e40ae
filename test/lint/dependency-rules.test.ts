/**
 * The dependency rules (.dependency-cruiser.cjs, .dependency-cruiser.runtime.cjs) through the
 * same command `npm run lint` runs: the real tree passes, and a temporary copy of the layout with
 * one deliberate violation per rule fails on exactly those rules.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LINT_DEPS: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'))
  .scripts['lint:deps'];

/** Runs each command of `npm run lint:deps` (all of them, so every violation shows). */
function lintDeps(cwd: string) {
  const runs = LINT_DEPS.split('&&').map((command) =>
    spawnSync('sh', ['-c', command], {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
      },
    }),
  );
  return {
    statuses: runs.map((r) => r.status),
    stdout: runs.map((r) => r.stdout).join('\n'),
    stderr: runs.map((r) => r.stderr).join('\n'),
  };
}

/** Rule names the checker reports in its `err` output. */
const violatedRules = (output: string) =>
  [...new Set([...output.matchAll(/^\s*error ([\w-]+):/gm)].map((m) => m[1]))].sort();

/** One violation per rule; each file is otherwise harmless. */
const FIXTURE: Record<string, string> = {
  'infra/lib/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
  'infra/lib/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
  'infra/model/settings.ts': "import type { C } from '../config/reader';\nexport type S = C;\n",
  'infra/config/reader.ts': 'export type C = string;\nexport const read = (): C => "";\n',
  'infra/platforms/onprem/cluster.ts':
    "import * as pulumi from '@pulumi/pulumi';\nimport { read } from '../../config/reader';\n" +
    'export const cluster = () => [pulumi.getStack(), read()];\n',
  'infra/render/render.ts':
    "import { cluster } from '../platforms/onprem/cluster';\nexport const render = cluster;\n",
  'infra/manifests/deployment.ts':
    "import type * as pulumi from '@pulumi/pulumi';\nexport type D = pulumi.Input<string>;\n",
  'infra/components/inference-service/index.ts':
    "import * as aws from '@pulumi/aws';\nexport const region = aws.getRegionOutput;\n",
  'infra/components/image/index.ts':
    "import { loadConfig } from '../../../inference/src/config';\nexport const image = loadConfig;\n",
  'infra/lib/engine.ts':
    "import type { Backend } from '../../inference/src/engine/types';\nexport type E = Backend;\n",
  'inference/src/config.ts': 'export const loadConfig = () => ({});\n',
  'inference/src/engine/types.ts': 'export type Backend = { name: string };\n',
  'inference/src/engine/onnx-backend.ts': "export const onnx = { name: 'onnx' };\n",
  'inference/src/api/openai/service.ts':
    "import type { Backend } from '../../engine/types';\nimport { onnx } from '../../engine/onnx-backend';\n" +
    'export const backend: Backend = onnx;\n',
  'inference/src/main.ts': "import { render } from '../../infra/render/render';\nrender();\n",
  'inference/tools/build.ts': 'export {};\n',
  'inference/bin/cli.js': 'module.exports = {};\n',
};

let fixture: string;
beforeAll(() => {
  fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-deploy-dep-rules-'));
  for (const [file, text] of Object.entries(FIXTURE)) {
    fs.mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    fs.writeFileSync(path.join(fixture, file), text);
  }
  for (const file of [
    '.dependency-cruiser.cjs',
    '.dependency-cruiser.runtime.cjs',
    'tsconfig.json',
  ])
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(fixture, file));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(fixture, 'node_modules'));
});
afterAll(() => fs.rmSync(fixture, { recursive: true, force: true }));

test('the real tree follows every rule', () => {
  const result = lintDeps(REPO_ROOT);
  expect(violatedRules(result.stdout)).toEqual([]);
  expect(result.stdout).toMatch(/no dependency violations found/);
  expect(result.statuses).toEqual([0, 0]);
});

test('a deliberate violation of each rule fails lint, naming the rule', () => {
  const result = lintDeps(fixture);
  expect(result.stderr).not.toMatch(/ERROR|Error:/);
  expect(result.statuses.every((status) => status !== 0)).toBe(true);
  expect(violatedRules(result.stdout)).toEqual([
    'api-sees-only-engine-types',
    'infra-knows-only-the-server-env',
    'infra-loads-no-server-code',
    'manifests-and-render-import-no-pulumi',
    'model-is-plain',
    'no-cycles',
    'only-the-program-reads-config',
    'render-loads-no-pulumi',
    'the-server-knows-no-infra',
    'workloads-are-cloud-agnostic',
  ]);
});
