import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GgufChoice } from '../models/gguf-choice';
import { ggufCacheFolder, isHubId, listHubFiles } from '../models/gguf-source';
import type { HubOptions } from '../models/hub';
import type { EngineName } from './types';

/** The settings that decide the engine (a ServerConfig has them). */
export interface EngineSettings {
  engine?: EngineName;
  model: string;
  revision: string;
  gguf: GgufChoice;
  hub: HubOptions;
}

/** What a list of model files (folder or repository) holds, as an engine. */
function engineForFiles(files: readonly string[]): EngineName | undefined {
  if (files.some((f) => f.startsWith('onnx/') && f.endsWith('.onnx'))) return 'onnx';
  if (files.some((f) => f.toLowerCase().endsWith('.gguf'))) return 'llamacpp';
  return undefined;
}

/**
 * The engine that serves `config.model`, decided in this one place: ENGINE if set; llama.cpp when
 * GGUF_FILE or QUANT chooses a GGUF file; otherwise by what the model holds (a .gguf file, or a
 * folder or Hub repository with GGUF files and no ONNX weights, is llama.cpp's). Anything else
 * goes to the ONNX engine, which explains what it is missing.
 */
export async function chooseEngine(config: EngineSettings): Promise<EngineName> {
  if (config.engine) return config.engine;
  if (config.gguf.file || config.gguf.quant) return 'llamacpp';
  const path = resolve(config.model);
  if (existsSync(path)) {
    if (statSync(path).isFile()) return path.toLowerCase().endsWith('.gguf') ? 'llamacpp' : 'onnx';
    const files = readdirSync(path, { recursive: true, encoding: 'utf8' }).map((f) =>
      f.split('\\').join('/'),
    );
    return engineForFiles(files) ?? 'onnx';
  }
  if (!isHubId(config.model)) return 'onnx';
  if (config.hub.offline) {
    return existsSync(ggufCacheFolder(config.hub, config.model, config.revision))
      ? 'llamacpp'
      : 'onnx';
  }
  // The ONNX engine reports a repository it cannot reach or read in its own words.
  const files = await listHubFiles(config.model, config.revision, config.hub).catch(() => []);
  return engineForFiles(files.map((f) => f.path)) ?? 'onnx';
}
