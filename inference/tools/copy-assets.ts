import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The build's second step: tsc emits only JavaScript, so every other file under src/ (policy
 * JSON, playground pages, ...) is copied to the same place under dist/src/.
 */
export function copyAssets(sourceDir: string, outputDir: string): string[] {
  const copied: string[] = [];
  for (const entry of readdirSync(sourceDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(outputDir, relative(sourceDir, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied.push(relative(sourceDir, from));
  }
  return copied;
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  copyAssets(join(root, 'src'), join(root, 'dist', 'src'));
}
