import type { ConfigEnv } from '../../inference/src/config';
import { TINY_MODEL } from './model-paths';

/**
 * The engines the server's API suites run against. jest.config.js runs the suites in
 * ENGINE_SUITES once per engine (one jest project each, which sets TEST_ENGINE); every other
 * test runs on the default engine only.
 */
export const TEST_ENGINES = ['onnx'] as const;
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
  }
}
