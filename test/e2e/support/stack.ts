/**
 * A stack on the real engine through the Automation API: an inline program that is the project's
 * own program (infra/index.ts, loaded afresh for every operation), a workspace folder holding
 * Pulumi.yaml and the stack's Pulumi.<stack>.yaml as a user would have them, and a record of what
 * the engine did to each resource.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type EngineEvent,
  type OpType,
  type Stack,
} from '@pulumi/pulumi/automation';
import { REPO_ROOT, type PulumiSandbox } from './toolchain';

const INFRA_DIR = path.join(REPO_ROOT, 'infra') + path.sep;

/**
 * The program `pulumi up` runs for Pulumi.yaml's `main`, from an infra/ folder (this checkout's,
 * or an older commit's). Its modules are dropped from the require cache first, so each operation
 * runs the program from the top as the CLI would; @pulumi/pulumi itself stays loaded (the
 * Automation API serves the program through it).
 */
export function programFrom(infraDir: string): () => Promise<Record<string, unknown>> {
  const prefix = path.resolve(infraDir) + path.sep;
  return async () => {
    for (const id of Object.keys(require.cache)) {
      if (id.startsWith(prefix)) delete require.cache[id];
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(path.join(prefix, 'index.ts')) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(program).filter(([, v]) => v !== undefined));
  };
}

export const realProgram = programFrom(INFRA_DIR);

export interface StackFile {
  config: Record<string, unknown>;
}

export function readStackFile(file: string): StackFile {
  const document = parse(fs.readFileSync(file, 'utf8')) as StackFile;
  return { config: { ...document.config } };
}

export interface OpenOptions {
  /** The inline program (default: this checkout's infra/). */
  program?: () => Promise<Record<string, unknown>>;
  /** The project file the workspace gets (default: this checkout's Pulumi.yaml). */
  projectFile?: string;
}

/** Writes the project file and the stack file into a workspace folder and opens the stack. */
export async function openStack(
  sandbox: PulumiSandbox,
  bin: string,
  stackName: string,
  stackFile: StackFile,
  secrets: ConfigMap,
  { program = realProgram, projectFile = path.join(REPO_ROOT, 'Pulumi.yaml') }: OpenOptions = {},
): Promise<Stack> {
  const workDir = path.join(sandbox.dir, `workspace-${stackName}`);
  fs.mkdirSync(workDir, { recursive: true });
  // The project file as it is, less `main`: the inline program stands in for it (the CLI would
  // otherwise look for infra/index.ts in this folder).
  const project = fs.readFileSync(projectFile, 'utf8');
  fs.writeFileSync(path.join(workDir, 'Pulumi.yaml'), project.replace(/^main: .*\n/m, ''));
  fs.writeFileSync(path.join(workDir, `Pulumi.${stackName}.yaml`), stringify(stackFile));
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin) });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName: 'llm-deploy', program },
    { workDir, pulumiCommand, envVars: sandbox.env },
  );
  await stack.setAllConfig(secrets);
  return stack;
}

export interface ResourceOp {
  urn: string;
  type: string;
  op: OpType;
  /** The properties whose change the provider reported (updates and replaces). */
  diffs: string[];
}

/** What the engine did (or, in a preview, would do) to each resource of one operation. */
export class OperationLog {
  readonly ops: ResourceOp[] = [];
  readonly diagnostics: string[] = [];

  /** Resources a refresh found changed: the properties that differ from the state. */
  readonly drift: ResourceOp[] = [];

  readonly onEvent = (event: EngineEvent): void => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre) {
      this.ops.push({ urn: pre.urn, type: pre.type, op: pre.op, diffs: pre.diffs ?? [] });
    }
    // A refresh step is announced as op `refresh`; what it found comes with the outputs.
    const outputs = event.resOutputsEvent?.metadata;
    if (outputs?.op === 'refresh' && (outputs.diffs ?? []).length > 0) {
      this.drift.push({
        urn: outputs.urn,
        type: outputs.type,
        op: outputs.op,
        diffs: outputs.diffs!,
      });
    }
    const diag = event.diagnosticEvent;
    if (diag && (diag.severity === 'error' || diag.severity === 'warning')) {
      this.diagnostics.push(`${diag.severity}: ${diag.message.trim()}`);
    }
  };

  /** Resources with an op other than same/read (a refresh: those that drifted), as `op type name`. */
  changes(): string[] {
    return [
      ...this.ops.filter((o) => !['same', 'read', 'refresh'].includes(o.op)),
      ...this.drift,
    ].map(
      (o) =>
        `${o.op} ${o.type} ${o.urn.split('::').pop()}${o.diffs.length ? ` [${o.diffs.join(', ')}]` : ''}`,
    );
  }

  byOp(op: OpType): ResourceOp[] {
    return this.ops.filter((o) => o.op === op);
  }

  /**
   * changes() of the cluster's objects only. A component of ours (llm-deploy:*) keeps its args as
   * its state, so a config change updates it too; that update touches nothing in the cluster.
   */
  objectChanges(): string[] {
    return this.changes().filter((line) => !line.split(' ')[1].startsWith(COMPONENT_PACKAGE));
  }
}

/** The type prefix of the project's own component resources (LlmEndpoint, the platforms). */
const COMPONENT_PACKAGE = 'llm-deploy:';

/** The file backend's checkpoint of a stack, as text. */
export function stateFile(sandbox: PulumiSandbox, stackName: string): string {
  const file = path.join(sandbox.stateDir, '.pulumi', 'stacks', 'llm-deploy', `${stackName}.json`);
  return fs.readFileSync(file, 'utf8');
}
