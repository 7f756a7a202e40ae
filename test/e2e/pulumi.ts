/**
 * `npm run pulumi:inline -- <preview|up|refresh|destroy> --stack <name>`: runs a stack of this
 * project (Pulumi.yaml and Pulumi.<name>.yaml in the repository root) on the engine that
 * test/e2e/toolchain.sh built, through the Automation API with the project's program inline: the
 * Node.js language host that a plain `pulumi up` needs is not served by the Go proxy. Offline:
 * no update check, no plugin download; state in a local file backend unless PULUMI_BACKEND_URL
 * says otherwise; secrets with the passphrase in PULUMI_CONFIG_PASSPHRASE.
 */
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';
import { realProgram } from './support/stack';
import { installProvider, offlineEnv, REPO_ROOT, toolchainBin } from './support/toolchain';

const USAGE = 'usage: npm run pulumi:inline -- <preview|up|refresh|destroy> --stack <name>';
const COMMANDS = ['preview', 'up', 'refresh', 'destroy'] as const;
type Command = (typeof COMMANDS)[number];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { stack: { type: 'string' } },
    allowPositionals: true,
  });
  const command = positionals[0] as Command;
  if (positionals.length !== 1 || !COMMANDS.includes(command) || !values.stack) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!process.env.PULUMI_CONFIG_PASSPHRASE && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    process.stderr.write(
      "pulumi:inline: set PULUMI_CONFIG_PASSPHRASE (the stack's secrets passphrase)\n",
    );
    return 2;
  }
  const bin = toolchainBin();
  const env = {
    ...offlineEnv(
      process.env.PULUMI_HOME ?? path.join(os.homedir(), '.cache', 'llm-deploy', 'pulumi-home'),
    ),
    // A file backend under the repository (.pulumi/ is git-ignored), never the Pulumi Cloud default.
    PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${REPO_ROOT}`,
  };
  installProvider(bin, env);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: values.stack, projectName: 'llm-deploy', program: realProgram },
    {
      workDir: REPO_ROOT,
      pulumiCommand: await PulumiCommand.get({ root: path.dirname(bin) }),
      envVars: env,
    },
  );
  const onOutput = (text: string) => process.stdout.write(text);
  await stack[command]({ onOutput });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    // The engine's own report is already on stdout; say in one line that it failed.
    process.stderr.write(
      `pulumi:inline: ${error.message.split('\n').find((l) => l.includes('error:')) ?? error.message.split('\n')[0]}\n`,
    );
    process.exitCode = 1;
  },
);
