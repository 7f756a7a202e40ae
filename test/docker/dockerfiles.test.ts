import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run as dockerfilelint } from 'dockerfilelint';
import { validate, ValidationSeverity } from 'dockerfile-utils';

const ROOT = join(__dirname, '..', '..');
const FILES = ['docker/Dockerfile', 'docker/Dockerfile.cuda'];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Instructions joined across line continuations, comments dropped: [line number, text]. */
function instructions(content: string): [number, string][] {
  const out: [number, string][] = [];
  let pending = '';
  let start = 0;
  content.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) return;
    if (pending === '') start = index + 1;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (!line.endsWith('\\')) {
      out.push([start, pending.trim()]);
      pending = '';
    }
  });
  return out;
}

/** Stage name -> its instructions after FROM (the base image is the one thing allowed to differ). */
function stages(content: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const [, text] of instructions(content)) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)$/i.exec(text);
    if (from) result.set(from[1], (current = []));
    else current?.push(text);
  }
  return result;
}

/**
 * dockerfilelint (2018) predates ARG-parameterised FROM and misreads HEALTHCHECK's --start-period
 * (its option regex stops at the hyphen). Both are checked below by this test instead.
 */
function isKnownFalsePositive(rule: string, text: string): boolean {
  return (
    (rule === 'missing_tag' && /^FROM\s+(\$\{\w+\}|[a-z-]+)\s+AS\s/i.test(text)) ||
    (rule === 'invalid_format' && text.startsWith('HEALTHCHECK') && text.includes('--start-period'))
  );
}

describe.each(FILES)('%s', (file) => {
  const content = read(file);
  const lines = instructions(content);
  const runtime = stages(content).get('runtime') ?? [];

  test('passes dockerfile-utils', () => {
    const problems = validate(content, {
      instructionCasing: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    }).map((d) => `${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  test('passes dockerfilelint', () => {
    const byLine = new Map(lines);
    const problems = dockerfilelint(join(ROOT, 'docker'), content)
      .filter((item) => !isKnownFalsePositive(item.rule, byLine.get(item.line) ?? ''))
      .map((item) => `${item.line}: ${item.rule} (${item.title})`);
    expect(problems).toEqual([]);
  });

  test('pins every base image by version and lets BASE_IMAGE override it', () => {
    const images = lines.filter(([, t]) => /^ARG \w*_IMAGE=/.test(t)).map(([, t]) => t);
    expect(images.some((t) => t.startsWith('ARG BASE_IMAGE='))).toBe(true);
    for (const arg of images) expect(arg).toMatch(/=[\w./-]+:\d+\.\d+\.\d+-[\w.-]+$/);
  });

  test('runs as a numeric non-root user, exposes 8080, has a health check and the OCI labels', () => {
    expect(runtime.filter((t) => t.startsWith('USER ')).at(-1)).toBe('USER 10001:0');
    expect(runtime.find((t) => t.startsWith('EXPOSE'))).toMatch(/\b8080\b/);
    expect(runtime.find((t) => t.startsWith('HEALTHCHECK'))).toMatch(/\/readyz/);
    const labels = runtime.filter((t) => t.startsWith('LABEL')).join(' ');
    for (const key of ['source', 'version', 'revision'])
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    const version = JSON.parse(read('inference/package.json')).version as string;
    expect(runtime).toContain(`ARG VERSION=${version}`);
  });

  test('copies only compiled JavaScript, production dependencies and the model into the runtime', () => {
    const copies = runtime.filter((t) => /^(COPY|ADD)\s/.test(t));
    const allowed: Record<string, RegExp> = {
      deps: /^\/app\/(node_modules|inference)$/,
      'cuda-deps': /^\/app\/(node_modules|inference)$/,
      build: /^\/app\/inference\/(dist\/src|bin)$/,
      model: /^\/out\/$/,
      node: /^\/usr\/local\/bin\/node$/,
    };
    const unexpected = copies.filter((t) => {
      const [, stage, source] = /^COPY --from=(\S+) (\S+) /.exec(t) ?? [];
      return !stage || !allowed[stage]?.test(source);
    });
    expect(unexpected).toEqual([]);
    expect(copies.some((t) => t.includes('/app/inference/dist/src'))).toBe(true);
  });
});

test('the CUDA image shares the CPU image stages that do not depend on the base', () => {
  const cpu = stages(read('docker/Dockerfile'));
  const cuda = stages(read('docker/Dockerfile.cuda'));
  for (const name of ['deps', 'build', 'model']) {
    expect(cuda.get(name)).toBeDefined();
    expect(cuda.get(name)).toEqual(cpu.get(name));
  }
});

test('the linters do report problems (a broken file is caught)', () => {
  const broken = 'FROM node\nworkdir app\nHEALTHCHECK --bogus CMD true\n';
  expect(validate(broken, { instructionCasing: ValidationSeverity.ERROR }).length).toBeGreaterThan(
    0,
  );
  expect(dockerfilelint(join(ROOT, 'docker'), broken).map((i) => i.rule)).toContain('missing_tag');
});
