import { parsePredictionInput, toGenerationRequest } from '../api/predictions/input';
import { loadConfig, type ConfigEnv } from '../config';
import { assembleEngine } from '../assembly';
import { parseInputPairs } from './inputs';
import { terminalProgress } from './progress';

/** `llm-deploy predict -i prompt=...`: loads the model, streams one prediction to stdout. */
export async function predict(pairs: string[], overrides: ConfigEnv): Promise<void> {
  const config = loadConfig(process.env, overrides);
  // Check the inputs before spending seconds on loading the model.
  const input = parsePredictionInput(parseInputPairs(pairs), config.limits.maxNewTokens);
  const engine = await assembleEngine(config, { onProgress: terminalProgress('loading model') });
  try {
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const { events } = await engine.scheduler.submit(toGenerationRequest(input, controller.signal));
    for await (const event of events) {
      if (event.type === 'text') process.stdout.write(event.text);
    }
    process.stdout.write('\n');
  } finally {
    await engine.dispose();
  }
}
