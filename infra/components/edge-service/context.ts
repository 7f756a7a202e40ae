import * as fs from 'node:fs';
import * as path from 'node:path';
import { argProblem, type ArgProblem } from '../../model';
import { REPO_ROOT, type EdgeServiceArgs } from './args';

/**
 * The default build context is a checkout of llm-deploy: the installed package ships no
 * Dockerfile and no server source, so a library user builds from a checkout or pulls an image.
 */
export function buildContextProblems(args: EdgeServiceArgs): ArgProblem[] {
  const image = args.image ?? { build: {} };
  if (!('build' in image) || image.build.context !== undefined) return [];
  if (fs.existsSync(path.join(REPO_ROOT, 'docker', 'Dockerfile'))) return [];
  return [
    argProblem(
      'image.build.context',
      undefined,
      'the llm-deploy package holds no Dockerfile or server source to build from',
      'set image.build.context to a checkout of llm-deploy, or pull a published image (image.pull)',
    ),
  ];
}
