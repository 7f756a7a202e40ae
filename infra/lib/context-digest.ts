/**
 * A digest of a Docker build context as `.dockerignore` leaves it, plus the Dockerfile: it
 * changes exactly when a build would. Registries with immutable tags (ECR, Artifact Registry)
 * need a new tag for each new build; tagging with this digest gives one.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface IgnoreRule {
  pattern: RegExp;
  negated: boolean;
  /** The rule's text without `!`, to tell whether it may re-include something under a folder. */
  text: string;
}

/** Docker's pattern syntax: `*` within a path segment, `?` one character, `**` any depth. */
function toRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const clean = path.posix
        .normalize((negated ? line.slice(1) : line).trim())
        .replace(/^\/+|\/+$/g, '');
      return { pattern: toRegExp(clean), negated, text: clean };
    });
}

/** Whether `relative` (posix, no leading slash) is left out: the last rule matching it or a parent wins. */
export function isIgnored(relative: string, rules: IgnoreRule[]): boolean {
  const parts = relative.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.negated;
  }
  return ignored;
}

/** A left-out folder can be skipped whole unless a `!` rule could bring back something inside. */
function mayReinclude(folder: string, rules: IgnoreRule[]): boolean {
  return rules.some(
    (rule) => rule.negated && (rule.text.startsWith(`${folder}/`) || /^[*?]/.test(rule.text)),
  );
}

function contextFiles(root: string, rules: IgnoreRule[], folder = ''): string[] {
  const files: string[] = [];
  const entries = fs.readdirSync(path.join(root, folder), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = folder ? `${folder}/${entry.name}` : entry.name;
    const ignored = isIgnored(relative, rules);
    if (entry.isDirectory()) {
      if (entry.name === '.git' || (ignored && !mayReinclude(relative, rules))) continue;
      files.push(...contextFiles(root, rules, relative));
    } else if (entry.isFile() && !ignored) {
      files.push(relative);
    }
  }
  return files;
}

/** `sha256` hex of the context's file paths and contents and of the Dockerfile. */
export function contextDigest(root: string, dockerfile: string): string {
  const ignoreFile = path.join(root, '.dockerignore');
  // Without a .dockerignore, leave out what never decides a build but is slow to read.
  const rules = parseDockerignore(
    fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '**/node_modules\n',
  );
  const hash = createHash('sha256');
  for (const file of contextFiles(root, rules)) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  if (fs.existsSync(dockerfile)) hash.update(fs.readFileSync(dockerfile));
  return hash.digest('hex');
}
