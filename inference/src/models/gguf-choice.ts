import { posix } from 'node:path';
import { ModelLoadError } from '../errors';

/** Which GGUF file of several: a file name (GGUF_FILE) or a quantization label (QUANT). */
export interface GgufChoice {
  file?: string;
  quant?: string;
}

/** One loadable model: a single file, or the parts of a split one (`-00001-of-00003.gguf`). */
export interface GgufCandidate {
  /** The first part: llama.cpp finds the others next to it. */
  path: string;
  parts: string[];
}

const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** Vision projectors and similar companions, never a language model to serve on their own. */
const COMPANION = /(^|\/)mmproj[^/]*\.gguf$/i;

/** The .gguf files in `files` (repository-relative paths), grouped into loadable models. */
export function ggufCandidates(files: readonly string[]): GgufCandidate[] {
  const splits = new Map<string, string[]>();
  const candidates: GgufCandidate[] = [];
  for (const file of [...files].sort()) {
    if (!file.toLowerCase().endsWith('.gguf') || COMPANION.test(file)) continue;
    const split = SPLIT.exec(file);
    if (!split) {
      candidates.push({ path: file, parts: [file] });
      continue;
    }
    const key = `${split[1]}/${split[3]}`;
    splits.set(key, [...(splits.get(key) ?? []), file]);
  }
  for (const parts of splits.values()) candidates.push({ path: parts[0], parts });
  return candidates.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether a file name carries the quantization label as a whole word (`...-Q4_K_M.gguf`). */
function hasQuant(path: string, quant: string): boolean {
  const name = posix.basename(path).toLowerCase();
  const label = quant.toLowerCase();
  return new RegExp(`(^|[^a-z0-9])${label}([^a-z0-9_]|$)`).test(name);
}

/**
 * The model to load among `files`: the one GGUF_FILE names, the one whose name carries QUANT, or
 * the only one. Anything else is a ModelLoadError listing what there is. `where` names the folder
 * or repository in messages.
 */
export function chooseGguf(
  files: readonly string[],
  choice: GgufChoice,
  where: string,
): GgufCandidate {
  const candidates = ggufCandidates(files);
  const listed = candidates.map((c) => c.path).join(', ');
  if (candidates.length === 0) {
    throw new ModelLoadError(
      `${where} holds no .gguf file; pass a GGUF file, a folder or a repository with one`,
    );
  }
  if (choice.file) {
    const named = candidates.find((c) => c.parts.includes(choice.file!));
    if (!named) {
      throw new ModelLoadError(
        `${where} has no GGUF file "${choice.file}" (GGUF_FILE); it has ${listed}`,
      );
    }
    return named;
  }
  if (choice.quant) {
    const matching = candidates.filter((c) => hasQuant(c.path, choice.quant!));
    if (matching.length === 1) return matching[0];
    if (matching.length === 0) {
      throw new ModelLoadError(
        `${where} has no GGUF file for quantization ${choice.quant} (QUANT); it has ${listed}`,
      );
    }
    throw new ModelLoadError(
      `${where} has several GGUF files for quantization ${choice.quant}: ${matching.map((c) => c.path).join(', ')}; name one with GGUF_FILE`,
    );
  }
  if (candidates.length === 1) return candidates[0];
  throw new ModelLoadError(
    `${where} holds several GGUF files (${listed}); choose one with QUANT (e.g. Q4_K_M) or GGUF_FILE`,
  );
}
