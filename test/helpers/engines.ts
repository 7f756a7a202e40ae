import { loadConfig, type ConfigEnv } from '../../inference/src/config';
import { startServer } from '../../inference/src/server';
import { drain } from '../../inference/src/shutdown';
import { TINY_MODEL } from './model-paths';

/**
 * The engines the server's API suites run against. jest.config.js runs the suites in
 * ENGINE_SUITES once per engine (one jest project each, which sets TEST_ENGINE); every other
 * test runs on the default engine only.
 */
export const TEST_ENGINES = ['onnx', 'upstream'] as const;
export type TestEngine = (typeof TEST_ENGINES)[number];

export function testEngine(): TestEngine {
  const engine = process.env.TEST_ENGINE ?? 'onnx';
  if (!(TEST_ENGINES as readonly string[]).includes(engine))
    throw new Error(`TEST_ENGINE=${engine}: expected one of ${TEST_ENGINES.join(', ')}`);
  return engine as TestEngine;
}

/** Server settings that put an engine behind the server, and what stops anything it started. */
export interface EngineSetup {
  engine: TestEngine;
  env: ConfigEnv;
  close(): Promise<void>;
}

/** Settings for the engine under test, serving the embedded tiny model (or its equivalent). */
export async function setUpEngine(engine: TestEngine = testEngine()): Promise<EngineSetup> {
  switch (engine) {
    case 'onnx':
      return { engine, env: { ENGINE: 'onnx', MODEL: TINY_MODEL }, close: async () => undefined };
    case 'upstream':
      return setUpUpstream();
  }
}

/**
 * Our server as a gateway (ENGINE=openai-upstream) in front of a real second llm-deploy server
 * on the tiny model, which speaks OpenAI and vLLM's /tokenize. The upstream moderates nothing and
 * has room for every request the gateway lets through, so what a suite sees is the gateway's.
 */
async function setUpUpstream(): Promise<EngineSetup> {
  const upstream = await startServer(
    loadConfig(
      {},
      {
        ENGINE: 'onnx',
        MODEL: TINY_MODEL,
        HOST: '127.0.0.1',
        PORT: '0',
        METRICS_PORT: '0',
        HF_HUB_OFFLINE: 'true',
        MODERATION: 'off',
        MAX_CONCURRENT: '16',
        MAX_QUEUE: '64',
      },
    ),
    { logger: false },
  );
  await upstream.loaded;
  if (!upstream.lifecycle.ready) {
    await upstream.close();
    throw new Error(`upstream server failed to start: ${upstream.lifecycle.setup.logs}`);
  }
  return {
    engine: 'upstream',
    env: { ENGINE: 'openai-upstream', UPSTREAM_URL: upstream.url, UPSTREAM_MODEL: 'tiny' },
    // Generations the gateway gave up on stop at their next token: let them, then unload.
    close: async () => {
      await drain(upstream, { graceSeconds: 10 });
      await upstream.close();
    },
  };
}
