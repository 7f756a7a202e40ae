import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextDigest, isIgnored, parseDockerignore } from '../../../infra/lib/context-digest';

const ALLOWLIST =
  '# only what the image copies\n*\n!package.json\n!inference/src/\n!inference/package.json\n';

function makeContext(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'context-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('.dockerignore', ALLOWLIST);
  write('package.json', '{"name":"x"}');
  write('inference/package.json', '{}');
  write('inference/src/main.ts', 'console.log(1);');
  write('inference/node_modules/big/index.js', 'x');
  write('README.md', 'docs');
  write('docker/Dockerfile', 'FROM scratch');
  return root;
}

describe('dockerignore rules', () => {
  const rules = parseDockerignore(ALLOWLIST);

  it('leave out everything but the allowlist, the last matching rule winning', () => {
    expect(isIgnored('README.md', rules)).toBe(true);
    expect(isIgnored('package.json', rules)).toBe(false);
    expect(isIgnored('inference/src/main.ts', rules)).toBe(false);
    expect(isIgnored('inference/node_modules/big/index.js', rules)).toBe(true);
  });

  it('support ** and ?', () => {
    const deep = parseDockerignore('**/*.log\nfile?.txt');
    expect(isIgnored('a/b/c.log', deep)).toBe(true);
    expect(isIgnored('c.log', deep)).toBe(true);
    expect(isIgnored('file1.txt', deep)).toBe(true);
    expect(isIgnored('file10.txt', deep)).toBe(false);
  });
});

describe('contextDigest', () => {
  it('changes when a file in the context or the Dockerfile changes, not otherwise', () => {
    const root = makeContext();
    const dockerfile = path.join(root, 'docker/Dockerfile');
    const first = contextDigest(root, dockerfile);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(contextDigest(root, dockerfile)).toBe(first);

    fs.writeFileSync(path.join(root, 'README.md'), 'other docs');
    fs.writeFileSync(path.join(root, 'inference/node_modules/big/index.js'), 'y');
    expect(contextDigest(root, dockerfile)).toBe(first);

    fs.writeFileSync(path.join(root, 'inference/src/main.ts'), 'console.log(2);');
    const second = contextDigest(root, dockerfile);
    expect(second).not.toBe(first);

    fs.writeFileSync(dockerfile, 'FROM scratch\nUSER 10001');
    expect(contextDigest(root, dockerfile)).not.toBe(second);
  });
});
