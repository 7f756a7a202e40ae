import { loadConfig, type ConfigEnv } from '../config';
import { chooseEngine } from '../engine/choose-engine';
import { ModelLoadError } from '../errors';
import { pullGguf } from '../models/gguf-source';
import { pullModel } from '../models/pull';
import { resolveModelSource } from '../models/source';

/**
 * `llm-deploy pull --model owner/name --out DIR`: a Hub model into a folder, for MODEL=DIR. For
 * the llama.cpp engine, the GGUF file GGUF_FILE or QUANT chooses (or the repository's only one).
 */
export async function pull(outDir: string, overrides: ConfigEnv): Promise<void> {
  const config = loadConfig(process.env, overrides);
  const source = resolveModelSource(config.model, config.revision);
  if (source.kind === 'local') {
    throw new ModelLoadError(
      `"${config.model}" is a local folder already; pull takes a Hugging Face Hub id like owner/name (--model or MODEL)`,
    );
  }
  const report = (file: string, bytes: number) =>
    console.error(`pulled ${file} (${(bytes / 1e6).toFixed(1)} MB)`);
  let total = 0;
  let what: string = config.dtype;
  if ((await chooseEngine(config)) === 'llamacpp') {
    const pulled = await pullGguf({
      model: source.id,
      revision: source.revision,
      choice: config.gguf,
      hub: config.hub,
      outDir,
    });
    for (const { file, bytes } of pulled) {
      total += bytes;
      report(file, bytes);
    }
    what = `GGUF ${pulled[0].file}`;
  } else {
    await pullModel({
      id: source.id,
      revision: source.revision,
      dtype: config.dtype,
      device: config.device,
      hub: config.hub,
      outDir,
      onFile: (file, bytes) => {
        total += bytes;
        report(file, bytes);
      },
    });
  }
  console.error(
    `${source.id}@${source.revision} (${what}) in ${outDir}: ${(total / 1e6).toFixed(1)} MB`,
  );
}
