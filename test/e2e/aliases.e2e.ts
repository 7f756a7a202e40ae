/**
 * Issue 15 renamed component type tokens (llm-deploy:platforms:OnPremCluster and others) and gave
 * the new ones aliases of the old. A stack deployed by the program from before that rename must
 * preview with the current program without a replace or delete: up with the old program (its
 * infra/ taken from git), then preview with this checkout's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { after, describe, it } from 'node:test';
import type { Stack } from '@pulumi/pulumi/automation';
import { e2e } from './support/context';
import { OperationLog, openStack, programFrom, readStackFile } from './support/stack';
import { E2E_DIR, REPO_ROOT } from './support/toolchain';

/** The last main commit before the merge of `layers` (issue 15): its first parent. */
const BEFORE_RENAME = '4b7749ca61c486c7960786f59730f210e2d13327';
const STACK = 'e2e-alias';
/** That commit's Pulumi.yaml declares its four secret keys without a default: all must be set. */
const secrets = (kubeconfig: string) => ({
  'llm-deploy:registryPassword': { value: 'e2e-alias-registry-password', secret: true },
  'llm-deploy:apiKeys': { value: 'e2e-alias-key', secret: true },
  'llm-deploy:hfToken': { value: 'hf_e2eAliasToken', secret: true },
  'llm-deploy:kubeconfig': { value: fs.readFileSync(kubeconfig, 'utf8'), secret: true },
});
const MINUTE = 60_000;
const REPLACING_OPS = ['replace', 'create-replacement', 'delete-replaced', 'delete', 'discard'];

/** The old commit's infra/ in a folder of its own, resolving packages from this checkout. */
function checkOutOldInfra(dir: string): string {
  try {
    execFileSync('git', ['cat-file', '-e', `${BEFORE_RENAME}^{commit}`], { cwd: REPO_ROOT });
  } catch {
    throw new Error(
      `e2e aliases: commit ${BEFORE_RENAME} is not in this clone (a shallow clone? fetch the history)`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', BEFORE_RENAME, 'infra'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  // The project file of that commit too: its program rejects keys it does not know, and the
  // current Pulumi.yaml gives newer keys defaults.
  fs.writeFileSync(
    path.join(dir, 'Pulumi.yaml'),
    execFileSync('git', ['show', `${BEFORE_RENAME}:Pulumi.yaml`], { cwd: REPO_ROOT }),
  );
  // Same package instances as this process (the Automation API serves the program through them).
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(dir, 'infra');
}

describe('component aliases: a stack from before the rename', { concurrency: false }, () => {
  let stack: Stack | undefined;
  const report: string[] = [];
  const stackFile = () => {
    const file = readStackFile(path.join(E2E_DIR, 'stacks', 'Pulumi.e2e-cpu.yaml'));
    // The cluster through the secret llm-deploy:kubeconfig (not onprem.kubeconfigPath).
    file.config['llm-deploy:name'] = 'llm-alias';
    file.config['llm-deploy:namespace'] = 'llm-e2e-alias';
    return file;
  };

  it(
    `up with the program of ${BEFORE_RENAME.slice(0, 7)}, then a preview with this checkout's replaces and deletes nothing`,
    { timeout: 15 * MINUTE },
    async () => {
      const { sandbox, bin, dir } = e2e();
      const oldDir = path.join(dir, 'before-rename');
      const oldInfra = checkOutOldInfra(oldDir);
      const stackSecrets = secrets(e2e().cluster.kubeconfig);
      stack = await openStack(sandbox, bin, STACK, stackFile(), stackSecrets, {
        program: programFrom(oldInfra),
        projectFile: path.join(oldDir, 'Pulumi.yaml'),
      });
      const up = await stack.up();
      assert.equal(up.summary.result, 'succeeded');
      const { resources } = await stack.exportStack().then((d) => d.deployment as State);
      const oldTypes = resources.map((r) => r.type).filter((t) => t.startsWith('llm-deploy:'));
      assert.ok(
        oldTypes.includes('llm-deploy:platforms:OnPremCluster'),
        `the old program registers the old type token (got ${oldTypes.join(', ')})`,
      );

      stack = await openStack(sandbox, bin, STACK, stackFile(), stackSecrets);
      const log = new OperationLog();
      await stack.preview({ onEvent: log.onEvent });
      const replacing = log.ops.filter((o) => REPLACING_OPS.includes(o.op));
      report.push(
        `${log.ops.length} steps, ${replacing.length} replaces/deletes; changes: ${log.changes().join('; ') || 'none'}`,
      );
      assert.deepEqual(replacing, [], 'the renamed components keep their resources');
      const up2 = await stack.up();
      assert.equal(up2.summary.result, 'succeeded');
      await stack.preview({ expectNoChanges: true });
    },
  );

  after(async () => {
    if (stack) {
      await stack.destroy().catch((e: Error) => process.stdout.write(`cleanup: ${e.message}\n`));
      await stack.workspace.removeStack(STACK).catch(() => undefined);
    }
    process.stdout.write(`e2e ${STACK}: preview of the current program: ${report.join(' ')}\n`);
  });
});

interface State {
  resources: { type: string; urn: string }[];
}
