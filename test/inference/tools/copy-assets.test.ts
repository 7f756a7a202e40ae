import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyAssets } from '../../../inference/tools/copy-assets';

test('copies every non-TypeScript file under src/ to the same place under dist/src/', () => {
  const root = mkdtempSync(join(tmpdir(), 'assets-'));
  try {
    const src = join(root, 'src');
    mkdirSync(join(src, 'safety'), { recursive: true });
    mkdirSync(join(src, 'api', 'playground', 'static'), { recursive: true });
    writeFileSync(join(src, 'main.ts'), 'export {};');
    writeFileSync(join(src, 'safety', 'default-policy.json'), '{"categories":{}}');
    writeFileSync(join(src, 'api', 'playground', 'static', 'index.html'), '<!doctype html>');
    const copied = copyAssets(src, join(root, 'dist', 'src'));
    expect(copied.sort()).toEqual([
      join('api', 'playground', 'static', 'index.html'),
      join('safety', 'default-policy.json'),
    ]);
    expect(readFileSync(join(root, 'dist', 'src', 'safety', 'default-policy.json'), 'utf8')).toBe(
      '{"categories":{}}',
    );
    expect(existsSync(join(root, 'dist', 'src', 'main.ts'))).toBe(false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
