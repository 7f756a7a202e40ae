import { ConfigError, loadConfig, type ConfigEnv } from '../../../../inference/src/config';

function problems(env: ConfigEnv): string[] {
  try {
    loadConfig({}, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('ENGINE=openai-upstream: the URL and a model name are required, each problem named', () => {
  expect(problems({ ENGINE: 'openai-upstream' })).toEqual([
    expect.stringMatching(/^UPSTREAM_URL \(undefined\): ENGINE=openai-upstream needs/),
    expect.stringMatching(/^UPSTREAM_MODEL \(undefined\): name the model/),
  ]);
  expect(
    problems({ ENGINE: 'openai-upstream', UPSTREAM_URL: 'ftp://engine', UPSTREAM_MODEL: 'm' }),
  ).toEqual([expect.stringMatching(/^UPSTREAM_URL \("ftp:\/\/engine"\)/)]);
});

test('the key is shown as <secret>, a URL with credentials without them', () => {
  const found = problems({
    ENGINE: 'openai-upstream',
    UPSTREAM_URL: 'http://admin:hunter2@engine:8000',
    UPSTREAM_MODEL: 'm',
    UPSTREAM_API_KEY: '',
    UPSTREAM_TIMEOUT_SECONDS: '0',
  }).join('\n');
  expect(found).toMatch(
    /UPSTREAM_URL \("http:\/\/<credentials>@engine:8000\/"\): put no credentials/,
  );
  expect(found).not.toContain('hunter2');
  const key = problems({ ENGINE: 'onnx', UPSTREAM_API_KEY: 'sk-very-secret' });
  expect(key).toEqual([expect.stringMatching(/^UPSTREAM_API_KEY \(<secret>\): .*ENGINE is onnx/)]);
  expect(key.join('')).not.toContain('sk-very-secret');
});

test('defaults, and the served name follows the engine’s model unless set', () => {
  const config = loadConfig(
    {},
    { ENGINE: 'openai-upstream', UPSTREAM_URL: 'http://127.0.0.1:8000', UPSTREAM_MODEL: 'org/m' },
  );
  expect(config.servedModelName).toBe('org/m');
  expect(config.upstream).toEqual({
    url: 'http://127.0.0.1:8000',
    apiKey: undefined,
    model: 'org/m',
    timeoutSeconds: 60,
    readyTimeoutSeconds: 1800,
    healthIntervalSeconds: 5,
  });
  const named = loadConfig(
    {},
    { ENGINE: 'openai-upstream', UPSTREAM_URL: 'http://e:8000/v1', SERVED_MODEL_NAME: 'ours' },
  );
  expect(named.servedModelName).toBe('ours');
  expect(named.upstream?.model).toBeUndefined();
});
