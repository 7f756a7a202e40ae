import { loadConfig, type ConfigEnv } from '../config';
import { ModelLoadError } from '../errors';
import { pullModel } from '../models/pull';
import { resolveModelSource } from '../models/source';

/** `llm-deploy pull --model owner/name --out DIR`: a Hub model into a folder, for MODEL=DIR. */
export async function pull(outDir: string, overrides: ConfigEnv): Promise<void> {
  const config = loadConfig(process.env, overrides);
  const source = resolveModelSource(config.model, config.revision);
  if (source.kind === 'local') {
    throw new ModelLoadError(
      `"${config.model}" is a local folder already; pull takes a Hugging Face Hub id like owner/name (--model or MODEL)`,
    );
  }
  let total = 0;
  await pullModel({
    id: source.id,
    revision: source.revision,
    dtype: config.dtype,
    device: config.device,
    hub: config.hub,
    outDir,
    onFile: (file, bytes) => {
      total += bytes;
      console.error(`pulled ${file} (${(bytes / 1e6).toFixed(1)} MB)`);
    },
  });
  console.error(
    `${source.id}@${source.revision} (${config.dtype}) in ${outDir}: ${(total / 1e6).toFixed(1)} MB`,
  );
}
