/**
 * `npm run render -- --stack <name> --out <dir> [--image <ref@sha256:...>] [--stack-file <path>]`
 * writes a stack's InferenceService manifests as YAML for Argo CD or Flux.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { StackConfigError } from '../config/errors';
import { RenderError, renderStack, writeRendered } from './render';

const USAGE =
  'usage: npm run render -- --stack <name> --out <dir> [--image <repo@sha256:...>] [--stack-file <path>]';

export function main(argv: string[]): number {
  let values: { stack?: string; out?: string; image?: string; 'stack-file'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: 'string' },
        out: { type: 'string' },
        image: { type: 'string' },
        'stack-file': { type: 'string' },
      },
    }));
  } catch (error) {
    process.stderr.write(`render: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if ((!values.stack && !values['stack-file']) || !values.out) {
    process.stderr.write(`render: --stack (or --stack-file) and --out are required\n${USAGE}\n`);
    return 2;
  }
  const projectDir = path.resolve(__dirname, '..', '..');
  const stackFile = values['stack-file'] ?? path.join(projectDir, `Pulumi.${values.stack}.yaml`);
  try {
    const files = renderStack({ stackFile, ...(values.image ? { image: values.image } : {}) });
    writeRendered(files, path.resolve(values.out));
    process.stdout.write(`render: wrote ${files.size} files to ${values.out}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RenderError || error instanceof StackConfigError) {
      process.stderr.write(`render: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
