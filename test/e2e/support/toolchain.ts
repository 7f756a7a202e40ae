/**
 * The binaries test/e2e/toolchain.sh built, and an offline Pulumi home that loads the Kubernetes
 * provider from them under the plugin version `@pulumi/kubernetes` asks for.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const E2E_DIR = path.join(REPO_ROOT, 'test', 'e2e');
const TOOLCHAIN_SCRIPT = path.join(E2E_DIR, 'toolchain.sh');

export const BINARIES = [
  'pulumi',
  'pulumi-resource-kubernetes',
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'kwok',
  'kwokctl',
] as const;

/** The toolchain's bin folder; throws one line naming what is missing. */
export function toolchainBin(): string {
  const bin = execFileSync('bash', [TOOLCHAIN_SCRIPT, '--bin-dir'], { encoding: 'utf8' }).trim();
  const missing = BINARIES.filter((name) => !fs.existsSync(path.join(bin, name)));
  if (missing.length > 0) {
    throw new Error(`e2e: ${missing.join(', ')} missing in ${bin}: run test/e2e/toolchain.sh`);
  }
  return bin;
}

/** The plugin version `@pulumi/kubernetes` asks the engine for: its own package version. */
export function kubernetesPluginVersion(): string {
  const file = require.resolve('@pulumi/kubernetes/package.json', { paths: [REPO_ROOT] });
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The provider module and version compiled into a binary, from its Go build info. */
export function providerCode(bin: string): string {
  const info = execFileSync('go', ['version', '-m', path.join(bin, 'pulumi-resource-kubernetes')], {
    encoding: 'utf8',
  });
  const line = info
    .split('\n')
    .find((l) => /\sdep\s+github\.com\/pulumi\/pulumi-kubernetes\/provider\/v4\s/.test(l));
  if (!line)
    throw new Error('e2e: pulumi-resource-kubernetes carries no provider module in its build info');
  const [, module, version] = line.trim().split(/\s+/);
  return `${module}@${version}`;
}

/** Environment for every `pulumi` the Automation API runs: offline, local state, no prompts. */
export interface PulumiSandbox {
  dir: string;
  /** The file backend's folder (state files live under .pulumi/stacks/). */
  stateDir: string;
  env: Record<string, string>;
  passphrase: string;
}

export function makeSandbox(bin: string, dir: string): PulumiSandbox {
  const stateDir = path.join(dir, 'state');
  const home = path.join(dir, 'pulumi-home');
  fs.mkdirSync(stateDir, { recursive: true });
  const passphrase = 'e2e-passphrase';
  const env = {
    ...offlineEnv(home),
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
  };
  installProvider(bin, env);
  return { dir, stateDir, env, passphrase };
}

/** What keeps `pulumi` offline and quiet: no update check, no plugin download, no prompt. */
export function offlineEnv(pulumiHome: string): Record<string, string> {
  return {
    PULUMI_HOME: pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    // Only the plugin installProvider puts in PULUMI_HOME, never one that happens to be on PATH.
    PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
    PULUMI_SKIP_CONFIRMATIONS: 'true',
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: 'true',
  };
}

/**
 * Installs the toolchain's provider into PULUMI_HOME under the version @pulumi/kubernetes asks
 * for: the engine loads resource plugins from there by exact version, so this is what runs.
 */
export function installProvider(bin: string, env: Record<string, string>): void {
  const version = kubernetesPluginVersion();
  const provider = path.join(bin, 'pulumi-resource-kubernetes');
  fs.mkdirSync(env.PULUMI_HOME, { recursive: true });
  execFileSync(
    path.join(bin, 'pulumi'),
    ['plugin', 'install', 'resource', 'kubernetes', version, '--file', provider],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const installed = path.join(
    env.PULUMI_HOME,
    'plugins',
    `resource-kubernetes-v${version}`,
    'pulumi-resource-kubernetes',
  );
  if (sha256(installed) !== sha256(provider)) {
    throw new Error(`e2e: ${installed} is not the toolchain's pulumi-resource-kubernetes`);
  }
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
