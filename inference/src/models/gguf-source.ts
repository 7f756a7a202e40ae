import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ModelLoadError } from '../errors';
import { chooseGguf, type GgufChoice } from './gguf-choice';
import { hubBaseUrl, hubFetch, type HubOptions } from './hub';
import { download, fileUrl } from './pull';
import { HUB_ID } from './source';

/** A GGUF model on disk, ready for llama.cpp. */
export interface LocalGguf {
  /** The file to load (a split model's first part). */
  path: string;
  /** Every file of the model (the parts of a split one). */
  parts: string[];
  /** The folder it came from, which may hold a tokenizer_config.json with a chat template. */
  folder: string;
}

export interface GgufSourceOptions {
  model: string;
  revision: string;
  choice: GgufChoice;
  hub: HubOptions;
  onProgress?: (progress: { file: string; percent?: number }) => void;
}

/** A repository file as the Hub lists it. */
export interface HubFile {
  path: string;
  size?: number;
}

/** .gguf files under `folder`, relative to it (subfolders included: repositories use them). */
function listGgufFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.toLowerCase().endsWith('.gguf'))
    .map((f) => f.split('\\').join('/'));
}

/** A .gguf file path, or a folder holding one; undefined when `model` is not on disk. */
export function localGguf(model: string, choice: GgufChoice): LocalGguf | undefined {
  const path = resolve(model);
  if (!existsSync(path)) return undefined;
  if (statSync(path).isFile()) {
    if (!path.toLowerCase().endsWith('.gguf')) {
      throw new ModelLoadError(
        `model file "${model}" is not a .gguf file; llama.cpp loads GGUF models`,
      );
    }
    const folder = dirname(path);
    const chosen = chooseGguf(listGgufFiles(folder), { file: relative(folder, path) }, folder);
    return { path, parts: chosen.parts.map((p) => join(folder, p)), folder };
  }
  const chosen = chooseGguf(listGgufFiles(path), choice, `model folder "${model}"`);
  return {
    path: join(path, chosen.path),
    parts: chosen.parts.map((p) => join(path, p)),
    folder: path,
  };
}

/** Where a Hub repository's GGUF files are cached: CACHE_DIR/gguf/<owner>/<name>/<revision>/. */
export function ggufCacheFolder(hub: HubOptions, id: string, revision: string): string {
  return join(hub.cacheDir, 'gguf', ...id.split('/'), encodeURIComponent(revision));
}

/** The repository's files, from the Hub's model API (with sizes, to check cached copies). */
export async function listHubFiles(
  id: string,
  revision: string,
  hub: HubOptions,
): Promise<HubFile[]> {
  const url = `${hubBaseUrl(hub)}api/models/${id}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const response = await hubFetch(hub)(url).catch((error: unknown) => {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
    throw new ModelLoadError(
      `could not reach the Hub at ${hub.endpoint} (${cause}): check HF_ENDPOINT and the network, or set HF_HUB_OFFLINE=true to load from the cache`,
    );
  });
  const at = `${id} (revision ${revision}) on ${hub.endpoint}`;
  if (response.status === 401 || response.status === 403) {
    throw new ModelLoadError(
      hub.token
        ? `the Hub refused HF_TOKEN for ${at} (HTTP ${response.status}): check that the token can read this repository`
        : `${at} answered HTTP ${response.status}: it is private or gated; set HF_TOKEN to a token that can read it`,
    );
  }
  if (response.status === 404) {
    throw new ModelLoadError(
      `${at} was not found (HTTP 404): check the model id and MODEL_REVISION`,
    );
  }
  if (!response.ok) throw new ModelLoadError(`listing ${at} answered HTTP ${response.status}`);
  const body = (await response.json()) as { siblings?: { rfilename: string; size?: number }[] };
  return (body.siblings ?? []).map((s) => ({ path: s.rfilename, size: s.size }));
}

/** A cached file counts only if the Hub's size (when it gives one) matches. */
function isCached(path: string, size: number | undefined): boolean {
  return existsSync(path) && (size === undefined || statSync(path).size === size);
}

/**
 * A Hub repository's chosen GGUF model in the cache, downloaded first if missing (or changed);
 * offline, from the cache only.
 */
export async function fetchHubGguf(options: GgufSourceOptions): Promise<LocalGguf> {
  const { model: id, revision, hub, choice } = options;
  const folder = ggufCacheFolder(hub, id, revision);
  if (hub.offline) {
    const cached = existsSync(folder) ? localGguf(folder, choice) : undefined;
    if (!cached) {
      throw new ModelLoadError(
        `${id} (revision ${revision}) is not in the model cache ${hub.cacheDir} and the Hub is switched off (HF_HUB_OFFLINE): load it once online, or set CACHE_DIR to a cache that holds it`,
      );
    }
    return cached;
  }
  const files = await listHubFiles(id, revision, hub);
  const chosen = chooseGguf(
    files.map((f) => f.path),
    choice,
    `${id} (revision ${revision}) on ${hub.endpoint}`,
  );
  await downloadParts(options, chosen.parts, files, folder);
  return {
    path: join(folder, chosen.path),
    parts: chosen.parts.map((p) => join(folder, p)),
    folder,
  };
}

/** Downloads each of `parts` missing from `folder` (sizes from `files`). */
export async function downloadParts(
  options: GgufSourceOptions,
  parts: readonly string[],
  files: readonly HubFile[],
  folder: string,
): Promise<number[]> {
  const { model: id, revision, hub } = options;
  const sizes: number[] = [];
  for (const part of parts) {
    const target = join(folder, part);
    const size = files.find((f) => f.path === part)?.size;
    if (!isCached(target, size)) {
      await download(fileUrl(hub.endpoint, id, revision, part), target, {
        required: true,
        fetch: hubFetch(hub),
        onProgress: (percent) => options.onProgress?.({ file: basename(part), percent }),
      });
      options.onProgress?.({ file: basename(part) });
    }
    sizes.push(statSync(target).size);
  }
  return sizes;
}

/** `model` is a Hub id (not a path on disk). */
export function isHubId(model: string): boolean {
  return !existsSync(resolve(model)) && HUB_ID.test(model) && !model.startsWith('.');
}

/**
 * `pull` for a GGUF repository: the chosen model's file(s), and tokenizer_config.json when the
 * repository has one (a chat template the GGUF file may lack), into `outDir`. Returns each file
 * with its size.
 */
export async function pullGguf(
  options: GgufSourceOptions & { outDir: string },
): Promise<{ file: string; bytes: number }[]> {
  const { model: id, revision, hub, choice } = options;
  const files = await listHubFiles(id, revision, hub);
  const chosen = chooseGguf(
    files.map((f) => f.path),
    choice,
    `${id} (revision ${revision}) on ${hub.endpoint}`,
  );
  const extras = files.some((f) => f.path === 'tokenizer_config.json')
    ? ['tokenizer_config.json']
    : [];
  const wanted = [...chosen.parts, ...extras];
  const sizes = await downloadParts(options, wanted, files, options.outDir);
  return wanted.map((file, i) => ({ file, bytes: sizes[i] }));
}
