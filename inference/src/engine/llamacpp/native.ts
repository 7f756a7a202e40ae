import type { Llama } from 'node-llama-cpp';
import { ModelLoadError } from '../../errors';
import type { Device } from '../types';
import { importEsm } from './esm-import';
import type { GgufHeader } from './gguf-reader';
import { metadataString } from './gguf-reader';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

/** llama.cpp's own log lines, the last few kept to explain a failure. */
export class LlamaLog {
  private readonly recent: string[] = [];

  readonly write = (level: string, message: string): void => {
    const line = message.trim();
    if (!line) return;
    this.recent.push(line);
    if (this.recent.length > 8) this.recent.shift();
    if (level === 'error' || level === 'fatal') process.stderr.write(`llama.cpp: ${line}\n`);
  };

  /** The last line llama.cpp logged, to append to a failure's message. */
  get last(): string | undefined {
    return this.recent.at(-1);
  }
}

export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  return importEsm<NodeLlamaCpp>('node-llama-cpp');
}

/**
 * llama.cpp with the backend `device` asks for, from node-llama-cpp's prebuilt binaries only:
 * never a download or a compile at run time (the CPU image carries the CPU binaries, the CUDA
 * image the CUDA ones).
 */
export async function startLlama(
  lib: NodeLlamaCpp,
  device: Device,
  threads: number | undefined,
  log: LlamaLog,
): Promise<Llama> {
  try {
    return await lib.getLlama({
      gpu: device === 'cuda' ? 'cuda' : false,
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: lib.LlamaLogLevel.warn,
      logger: log.write,
      ...(threads === undefined ? {} : { maxThreads: threads }),
    });
  } catch (error) {
    const what =
      device === 'cuda'
        ? "llama.cpp's CUDA backend (npm package @node-llama-cpp/linux-x64-cuda, and an NVIDIA driver)"
        : "llama.cpp's CPU backend (npm package @node-llama-cpp/" +
          `${process.platform}-${process.arch})`;
    throw new ModelLoadError(`DEVICE=${device}: ${what} could not be loaded: ${firstLine(error)}`);
  }
}

/** Fails, naming the architecture, when this llama.cpp build cannot run the model. */
export async function checkArchitecture(
  lib: NodeLlamaCpp,
  llama: Llama,
  path: string,
  header: GgufHeader,
): Promise<void> {
  const architecture = metadataString(header, 'general.architecture');
  const info = await lib.readGgufFileInfo(path, { readTensorInfo: false, logWarnings: false });
  const insights = await lib.GgufInsights.from(info, llama);
  if (!insights.isSupportedByLlamaCpp) {
    throw new ModelLoadError(
      `GGUF file "${path}" is a "${architecture}" model, an architecture the llama.cpp in node-llama-cpp ${await lib.getModuleVersion()} does not run`,
    );
  }
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
