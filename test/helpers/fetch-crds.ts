/**
 * `npm run fetch-crds`: puts each CRD that test/fixtures/crds/crds.json pins into the cache
 * (test/helpers/crd-cache.ts), read out of its Go module's zip as the Go module proxy serves it.
 * Idempotent: a cached file with the pinned sha256 is left alone. The modules are downloaded into
 * a throwaway module cache (Argo CD's zip is 58 MB, 300 MB unpacked) removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CrdCacheError,
  cachePath,
  pinnedCrds,
  readPinnedCrd,
  sha256Of,
  sourceOf,
  type PinnedCrd,
} from './crd-cache';

function isCached(crd: PinnedCrd): boolean {
  try {
    readPinnedCrd(crd);
    return true;
  } catch (error) {
    if (error instanceof CrdCacheError) return false;
    throw error;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string) {
  const result = spawnSync(command, args, { env, cwd, maxBuffer: 64 << 20 });
  if (result.error)
    throw new CrdCacheError(`${command} ${args.join(' ')}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString().trim() };
}

/**
 * The module's zip, downloaded and checked against the checksum database by `go mod download`.
 * The zip is what we read: the go command reports an error (and no unpacked folder) for a module
 * whose go.mod asks for a newer Go than the one here, as Argo CD v3.6.1's does, but the verified
 * zip is in place all the same.
 */
function downloadModuleZip(crd: PinnedCrd, modCache: string): string {
  // Run outside any Go module, so no go.mod around decides what is downloaded.
  const env = { ...process.env, GOMODCACHE: modCache };
  const result = run(
    'go',
    ['mod', 'download', '-json', `${crd.module}@${crd.version}`],
    env,
    modCache,
  );
  const info = JSON.parse(result.stdout.toString() || '{}') as { Zip?: string; Error?: string };
  if (!info.Zip || !fs.existsSync(info.Zip))
    throw new CrdCacheError(
      `go mod download ${crd.module}@${crd.version} failed: ${info.Error ?? result.stderr}`,
    );
  return info.Zip;
}

function fetchCrd(crd: PinnedCrd, modCache: string): void {
  const zip = downloadModuleZip(crd, modCache);
  const entry = `${crd.module}@${crd.version}/${crd.file}`;
  const unzipped = run('unzip', ['-p', zip, entry]);
  if (unzipped.status !== 0)
    throw new CrdCacheError(`unzip ${entry} from ${zip} failed: ${unzipped.stderr}`);
  const text = unzipped.stdout;
  const actual = sha256Of(text);
  if (actual !== crd.sha256)
    throw new CrdCacheError(`${sourceOf(crd)} has sha256 ${actual}, crds.json pins ${crd.sha256}`);
  const target = cachePath(crd);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(`${target}.partial`, text);
  fs.renameSync(`${target}.partial`, target);
}

function main(): number {
  const missing = pinnedCrds().filter((crd) => !isCached(crd));
  if (missing.length === 0) {
    console.log('fetch-crds: every pinned CRD is cached');
    return 0;
  }
  const modCache = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-deploy-crd-modules-'));
  try {
    for (const crd of missing) {
      fetchCrd(crd, modCache);
      console.log(`fetch-crds: ${sourceOf(crd)} -> ${cachePath(crd)}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof CrdCacheError)) throw error;
    console.error(`fetch-crds: ${error.message}`);
    return 1;
  } finally {
    // The module cache is read-only by design; go clean knows how to remove it.
    run('go', ['clean', '-modcache'], { ...process.env, GOMODCACHE: modCache });
    fs.rmSync(modCache, { recursive: true, force: true });
  }
}

process.exitCode = main();
