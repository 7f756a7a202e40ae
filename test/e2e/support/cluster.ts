/**
 * The local cluster of test/e2e/cluster.sh, and what the tests ask its API server (through the
 * kubectl the toolchain built): the truth about what exists, independent of Pulumi's state.
 */
import { execFile, execFileSync } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { E2E_DIR } from './toolchain';

const run = promisify(execFile);
const CLUSTER_SCRIPT = path.join(E2E_DIR, 'cluster.sh');

/** The kubeconfig context kwokctl writes for the cluster named e2e. */
export const CONTEXT = 'kwok-e2e';

export interface LocalCluster {
  dir: string;
  kubeconfig: string;
  kube: Kube;
}

export function startCluster(bin: string, dir: string): LocalCluster {
  const out = execFileSync('bash', [CLUSTER_SCRIPT, 'start', dir], { encoding: 'utf8' });
  process.stdout.write(out);
  const kubeconfig = path.join(dir, 'kubeconfig');
  return { dir, kubeconfig, kube: new Kube(bin, kubeconfig) };
}

export function stopCluster(dir: string): void {
  process.stdout.write(execFileSync('bash', [CLUSTER_SCRIPT, 'stop', dir], { encoding: 'utf8' }));
}

export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Namespaced kinds the InferenceService can create (the examples' add-on CRDs excluded). */
export const WORKLOAD_KINDS =
  'deployments,replicasets,pods,services,serviceaccounts,secrets,configmaps,persistentvolumeclaims,' +
  'poddisruptionbudgets,horizontalpodautoscalers,networkpolicies,ingresses,roles,rolebindings';

export class Kube {
  constructor(
    private readonly bin: string,
    readonly kubeconfig: string,
  ) {}

  async kubectl(args: string[], input?: string): Promise<string> {
    return (await this.kubectlWithWarnings(args, input)).stdout;
  }

  /** stdout, and stderr: where the API server's warnings (Pod Security, deprecations) go. */
  async kubectlWithWarnings(
    args: string[],
    input?: string,
  ): Promise<{ stdout: string; stderr: string }> {
    const child = run(path.join(this.bin, 'kubectl'), ['--kubeconfig', this.kubeconfig, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    if (input !== undefined) {
      child.child.stdin!.end(input);
    }
    try {
      const { stdout, stderr } = await child;
      return { stdout, stderr };
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
    }
  }

  async list(kinds: string, args: string[] = []): Promise<KubeObject[]> {
    const out = await this.kubectl(['get', kinds, '-o', 'json', ...args]);
    return (JSON.parse(out) as { items: KubeObject[] }).items;
  }

  /** The object, or undefined when the API server says it does not exist. */
  async find(kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const args = ['get', kind, name, '-o', 'json', '--ignore-not-found'];
    const out = await this.kubectl(namespace ? [...args, '-n', namespace] : args);
    return out.trim() === '' ? undefined : (JSON.parse(out) as KubeObject);
  }

  async get(kind: string, name: string, namespace?: string): Promise<KubeObject> {
    const found = await this.find(kind, name, namespace);
    if (!found) throw new Error(`${kind} ${namespace ?? ''}/${name} does not exist`);
    return found;
  }
}

/** The Deployment's Available condition is True. */
export function isAvailable(deployment: KubeObject): boolean {
  const conditions = (deployment.status?.conditions ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === 'Available' && c.status === 'True');
}
