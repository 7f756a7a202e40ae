import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const REPO = join(__dirname, '..', '..');
/** The build-model CLI as postinstall and users run it. */
export const BUILD_MODEL_CLI = join(REPO, 'inference', 'dist', 'tools', 'build-model.js');

/** The CLI under test is the compiled one; a stale build would test yesterday's code. */
export function assertCompiledCliIsCurrent(): void {
  const compiled = statSync(BUILD_MODEL_CLI).mtimeMs;
  const sources = [
    ...filesUnder(join(REPO, 'inference', 'tools')),
    ...filesUnder(join(REPO, 'inference', 'src', 'engine', 'llamacpp')),
  ];
  for (const file of sources) {
    if (file.endsWith('.ts') && statSync(file).mtimeMs > compiled)
      throw new Error(
        `${relative(REPO, file)} is newer than ${relative(REPO, BUILD_MODEL_CLI)}: run npm run build`,
      );
  }
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
