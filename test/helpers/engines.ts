import type { ConfigEnv } from '../../inference/src/config';
import { TINY_GGUF, TINY_MODEL } from './model-paths';
import { closeUpstreamServer, startUpstreamServer } from './upstream-server';

/**
 * The engines the server's API suites run against. jest.config.js runs the suites in
 * ENGINE_SUITES once per engine (one jest project each, which sets TEST_ENGINE); every other
 * test runs on the default engine only.
 */
export const TEST_ENGINES = ['onnx', 'upstream', 'llamacpp', 'upstream-llamacpp'] as const;
export type TestEngine = (typeof TEST_ENGINES)[number];

export function testEngine(): TestEngine {
  const engine = process.env.TEST_ENGINE ?? 'onnx';
  if (!(TEST_ENGINES as readonly string[]).includes(engine))
    throw new Error(`TEST_ENGINE=${engine}: expected one of ${TEST_ENGINES.join(', ')}`);
  return engine as TestEngine;
}

/** The engine the server under test runs (its ModelInfo.engine) for each test engine. */
const SERVER_ENGINE: Record<TestEngine, string> = {
  onnx: 'onnx',
  upstream: 'openai-upstream',
  llamacpp: 'llamacpp',
  'upstream-llamacpp': 'openai-upstream',
};

export function serverEngine(engine: TestEngine = testEngine()): string {
  return SERVER_ENGINE[engine];
}

/** Server settings that put an engine behind the server, and what stops anything it started. */
export interface EngineSetup {
  engine: TestEngine;
  /** The engine the server under test runs (its backend's ModelInfo.engine). */
  serverEngine: string;
  env: ConfigEnv;
  close(): Promise<void>;
}

/** Settings for the engine under test, serving the embedded tiny model (or its equivalent). */
export async function setUpEngine(engine: TestEngine = testEngine()): Promise<EngineSetup> {
  switch (engine) {
    case 'onnx':
      return {
        engine,
        serverEngine: serverEngine(engine),
        env: { ENGINE: 'onnx', MODEL: TINY_MODEL },
        close: async () => undefined,
      };
    case 'upstream':
      return setUpUpstream(engine, {});
    case 'llamacpp':
      return {
        engine,
        serverEngine: serverEngine(engine),
        env: LLAMACPP_TINY,
        close: async () => undefined,
      };
    case 'upstream-llamacpp':
      return setUpUpstream(engine, LLAMACPP_TINY);
  }
}

/**
 * The tiny model as GGUF on llama.cpp, served as `tiny`, the name the suites call the embedded
 * model by. One thread: llama.cpp's threads spin at every barrier, which on a shared 2-core
 * machine turns milliseconds per token into seconds.
 */
const LLAMACPP_TINY: ConfigEnv = {
  ENGINE: 'llamacpp',
  MODEL: TINY_GGUF,
  SERVED_MODEL_NAME: 'tiny',
  THREADS: '1',
};

/**
 * Our server as a gateway (ENGINE=openai-upstream) in front of a real second llm-deploy server
 * on the tiny model (on its ONNX engine, or `upstreamEnv`'s), which speaks OpenAI and, where its
 * engine can count, vLLM's /tokenize.
 */
async function setUpUpstream(engine: TestEngine, upstreamEnv: ConfigEnv): Promise<EngineSetup> {
  const upstream = await startUpstreamServer(upstreamEnv);
  const upstreamEngine = upstream.lifecycle.scheduler?.backend.info.engine;
  const expected = upstreamEnv.ENGINE ?? 'onnx';
  if (upstreamEngine !== expected) {
    await closeUpstreamServer(upstream);
    throw new Error(`upstream server runs the ${upstreamEngine} engine, not ${expected}`);
  }
  return {
    engine,
    serverEngine: serverEngine(engine),
    env: { ENGINE: 'openai-upstream', UPSTREAM_URL: upstream.url, UPSTREAM_MODEL: 'tiny' },
    close: () => closeUpstreamServer(upstream),
  };
}
