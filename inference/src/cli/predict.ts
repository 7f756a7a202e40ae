import { parsePredictionInput, toGenerationRequest } from '../api/predictions/input';
import { loadConfig, type ConfigEnv } from '../config';
import { TransformersBackend } from '../engine';
import { Scheduler } from '../scheduler';
import { parseInputPairs } from './inputs';
import { terminalProgress } from './progress';

/** `llm-deploy predict -i prompt=...`: loads the model, streams one prediction to stdout. */
export async function predict(pairs: string[], overrides: ConfigEnv): Promise<void> {
  const config = loadConfig(process.env, overrides);
  // Check the inputs before spending seconds on loading the model.
  const input = parsePredictionInput(parseInputPairs(pairs), config.limits.maxNewTokens);
  const backend = await TransformersBackend.load({
    model: config.model,
    revision: config.revision,
    device: config.device,
    dtype: config.dtype,
    hub: config.hub,
    onProgress: terminalProgress('loading model'),
  });
  try {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 });
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const { events } = scheduler.submit(toGenerationRequest(input, controller.signal));
    for await (const event of events) {
      if (event.type === 'text') process.stdout.write(event.text);
    }
    process.stdout.write('\n');
  } finally {
    await backend.dispose();
  }
}
