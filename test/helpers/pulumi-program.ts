import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type * as pulumiType from '@pulumi/pulumi';
import { UrnTracker, type AliasSpec, type Registration } from './urns';

/** The key Pulumi's mocks use to mark a secret value in recorded inputs. */
export const SECRET_SIG = '4dabf18193072939515e22adb298388d';

export interface ResourceRecord {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
}

export interface ProgramRun {
  records: ResourceRecord[];
  /** Every resource's URN and aliases as the engine would compute them. */
  registrations: Registration[];
  /** Resolved stack outputs, and whether each one is a Pulumi secret. */
  outputs: Record<string, unknown>;
  secretOutputs: string[];
  /** The error the program threw before declaring anything, if it did. */
  error?: Error;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Stack config as `pulumi` hands it to a program: strings, with objects as JSON text. */
export function stackFileConfig(file: string): Record<string, string> {
  const document = parse(fs.readFileSync(file, 'utf8')) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(document.config ?? {}).map(([k, v]) => [
      k,
      typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
}

/** A digest that changes exactly when the image's build inputs change, like a real build. */
export function fakeDigest(inputs: unknown, salt = ''): string {
  return (
    'sha256:' +
    createHash('sha256')
      .update(JSON.stringify(inputs) + salt)
      .digest('hex')
  );
}

export interface RunOptions {
  stack: string;
  config: Record<string, string>;
  /** Keys (`llm-deploy:apiKeys`) whose values are secrets. */
  secretKeys?: string[];
  /** Changes every built image's digest, as a code change would. */
  imageSalt?: string;
  /** Module that is the program; default infra/index.ts. */
  program?: string;
  /** Pulumi project name (the namespace of `new pulumi.Config()`). @default 'llm-deploy' */
  project?: string;
  /**
   * A folder whose own @pulumi/pulumi runs the program (a separate program with its own
   * node_modules): the mocks must be installed in the copy the program uses.
   * @default the repository's copy
   */
  sdkFrom?: string;
  /**
   * Outputs the real providers would compute (ARNs, endpoints), added to a resource's inputs,
   * and answers to provider functions; by default a resource's state is its inputs and a
   * function returns its arguments.
   */
  providers?: {
    outputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown>;
    call(token: string, inputs: Record<string, unknown>): Record<string, unknown>;
  };
}

/**
 * Runs the Pulumi program under mocks in a fresh module registry (so several stacks can run in
 * one test file) and records every resource's inputs.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const records: ResourceRecord[] = [];
  const urns = new UrnTracker(options.stack, options.project ?? 'llm-deploy');
  const run: ProgramRun = {
    records,
    registrations: urns.registrations,
    outputs: {},
    secretOutputs: [],
  };
  let finished!: Promise<void>;
  jest.isolateModules(() => {
    // A fresh registry needs require(): imports are hoisted and cached across stacks.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi: typeof pulumiType = require(
      options.sdkFrom
        ? require.resolve('@pulumi/pulumi', { paths: [options.sdkFrom] })
        : '@pulumi/pulumi',
    );
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          records.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            ...(args.provider ? { provider: args.provider } : {}),
          });
          const state: Record<string, unknown> = {
            ...args.inputs,
            ...options.providers?.outputs(args.type, args.name, args.inputs),
          };
          if (args.type === 'docker:index/image:Image') {
            const repository = String(args.inputs.imageName).replace(/:[^:/]+$/, '');
            const digest = fakeDigest(args.inputs.build, options.imageSalt);
            // An image built but not pushed reports its local id.
            state.repoDigest = args.inputs.skipPush ? digest : `${repository}@${digest}`;
          }
          return { id: `${args.name}-id`, state };
        },
        call: (args) => options.providers?.call(args.token, args.inputs) ?? args.inputs,
      },
      options.project ?? 'llm-deploy',
      options.stack,
      false,
      'organization',
    );
    trackUrns(pulumi, urns);
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    finished = (async () => {
      let program: Record<string, unknown>;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        program = require(options.program ?? path.join(REPO_ROOT, 'infra', 'index.ts'));
      } catch (error) {
        run.error = error as Error;
        await pulumi.runtime.disconnect();
        return;
      }
      for (const [key, value] of Object.entries(program)) {
        if (!pulumi.Output.isInstance(value)) continue;
        run.outputs[key] = await new Promise((resolve) => value.apply(resolve));
        if (await pulumi.isSecret(value)) run.secretOutputs.push(key);
      }
      await pulumi.runtime.disconnect();
    })();
  });
  await finished;
  return run;
}

/** The alias specs of a RegisterResourceRequest (the protobuf's getters). */
interface AliasMessage {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec(): {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
  };
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getAliasesList(): AliasMessage[];
}
type Monitor = {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: RegisterRequest, callback: unknown): Promise<void>;
};

/** Records each request to the mock monitor with `urns`, before the mocks answer it. */
function trackUrns(pulumi: typeof pulumiType, urns: UrnTracker): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const specs = request.getAliasesList().map((alias): AliasSpec => {
      if (!alias.hasSpec()) return { urn: alias.getUrn() };
      const spec = alias.getSpec();
      return {
        name: spec.getName(),
        type: spec.getType(),
        stack: spec.getStack(),
        project: spec.getProject(),
        parentUrn: spec.getParenturn(),
        noParent: spec.getNoparent(),
      };
    });
    const [type, name, parent] = [request.getType(), request.getName(), request.getParent()];
    urns.register(monitor.newUrn(parent, type, name), type, name, parent, specs);
    return registerResource(request, callback);
  };
}

/** Removes Pulumi's secret wrappers, leaving the values (for schema and policy checks). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (SECRET_SIG in object) return unwrapSecrets(object.value);
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The inputs with every secret replaced by a marker: what is visible in plain text. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (SECRET_SIG in object) return '[secret]';
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, withoutSecrets(v)]));
  }
  return value;
}

/** The Kubernetes objects of a run (not providers, Helm releases or other clouds' resources). */
export function kubeObjects(run: ProgramRun): { name: string; object: Record<string, unknown> }[] {
  return run.records
    .filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:helm.sh/v3:Release')
    .map((r) => ({ name: r.name, object: unwrapSecrets(r.inputs) as Record<string, unknown> }));
}
