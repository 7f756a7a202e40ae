/**
 * What every e2e suite shares: the toolchain, one local cluster, one offline Pulumi sandbox.
 * `run.ts` sets it up once before the suites and tears it down after them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { startCluster, stopCluster, type LocalCluster } from './cluster';
import {
  kubernetesPluginVersion,
  makeSandbox,
  makeTempDir,
  providerCode,
  toolchainBin,
  type PulumiSandbox,
} from './toolchain';

export interface E2eContext {
  bin: string;
  dir: string;
  cluster: LocalCluster;
  sandbox: PulumiSandbox;
}

let current: E2eContext | undefined;

export function e2e(): E2eContext {
  if (!current) throw new Error('e2e: the shared context is used before setUp() ran');
  return current;
}

export function setUp(): E2eContext {
  const bin = toolchainBin();
  const dir = makeTempDir('llm-deploy-e2e-');
  process.stdout.write(
    `e2e: kubernetes provider plugin ${kubernetesPluginVersion()} (what @pulumi/kubernetes asks for) ` +
      `runs the code of ${providerCode(bin)}\n`,
  );
  const cluster = startCluster(bin, path.join(dir, 'cluster'));
  try {
    current = { bin, dir, cluster, sandbox: makeSandbox(bin, path.join(dir, 'pulumi')) };
  } catch (error) {
    stopCluster(cluster.dir);
    throw error;
  }
  return current;
}

export function tearDown(): void {
  if (!current) return;
  const { cluster, dir } = current;
  current = undefined;
  stopCluster(cluster.dir);
  if (process.env.E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
}
