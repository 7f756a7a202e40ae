/**
 * The published CRDs the GitOps examples are checked against are not kept in the repository:
 * test/fixtures/crds/crds.json pins each one (Go module, version, path inside the module,
 * sha256), `npm run fetch-crds` (test/helpers/fetch-crds.ts) puts it in a cache, and the tests
 * read it from there, checking the sha256 again.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CRD_MANIFEST = path.join(__dirname, '..', 'fixtures', 'crds', 'crds.json');
export const CRD_CACHE = path.join(os.homedir(), '.cache', 'llm-deploy', 'crds');
export const FETCH_COMMAND = 'npm run fetch-crds';

/** One pinned CRD file: where it comes from and what it must hash to. */
export interface PinnedCrd {
  /** Names the cache folder, `<name>@<version>`. */
  name: string;
  module: string;
  version: string;
  /** Path of the CRD file inside the module. */
  file: string;
  sha256: string;
}

export class CrdCacheError extends Error {
  override name = 'CrdCacheError';
}

export function pinnedCrds(): PinnedCrd[] {
  return (JSON.parse(fs.readFileSync(CRD_MANIFEST, 'utf8')) as { crds: PinnedCrd[] }).crds;
}

export const sourceOf = (crd: PinnedCrd) => `${crd.module}@${crd.version} ${crd.file}`;

export function cachePath(crd: PinnedCrd, cache = CRD_CACHE): string {
  return path.join(cache, `${crd.name}@${crd.version}`, path.basename(crd.file));
}

export const sha256Of = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The cached file's text, or why it cannot be used: one line naming the command that fixes it. */
export function readPinnedCrd(crd: PinnedCrd, cache = CRD_CACHE): string {
  const file = cachePath(crd, cache);
  if (!fs.existsSync(file))
    throw new CrdCacheError(
      `CRD ${sourceOf(crd)} is not in ${file}: run \`${FETCH_COMMAND}\` (.ci/run does)`,
    );
  const text = fs.readFileSync(file);
  const actual = sha256Of(text);
  if (actual !== crd.sha256)
    throw new CrdCacheError(
      `CRD ${file} has sha256 ${actual}, crds.json pins ${crd.sha256}: run \`${FETCH_COMMAND}\``,
    );
  return text.toString('utf8');
}
