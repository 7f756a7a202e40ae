import { assertBuildIsFresh, runCli, startCli } from '../../helpers/cli';
import { TINY_MODEL } from '../../helpers/engine';
import { startLoopbackHub, type LoopbackHub } from '../../helpers/hub-server';
import { tempDir } from '../../helpers/temp-dir';

// What the CLI and the server print (console lines, pino's JSON logs at trace level) with a Hub
// token configured: the token must never be among it, whether the load succeeds or fails.
const TOKEN = 'hf_neverLogMe_2b8e41d0';

let hub: LoopbackHub;
beforeAll(async () => {
  assertBuildIsFresh();
  hub = await startLoopbackHub({ repos: { 'acme/tiny': { main: TINY_MODEL } }, token: TOKEN });
});
afterAll(() => hub.close());

const hubEnv = (token: string) => ({
  HF_ENDPOINT: hub.url,
  HF_TOKEN: token,
  CACHE_DIR: tempDir('cli-cache'),
});

test('llm-deploy predict --model owner/name loads over the Hub and never prints the token', async () => {
  const seen = hub.requests.length;
  const result = await runCli(
    ['predict', '--model', 'acme/tiny', '-i', 'prompt=Hello there', '-i', 'max_new_tokens=6'],
    hubEnv(TOKEN),
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.trim().length).toBeGreaterThan(0);
  expect(hub.requests.slice(seen).every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  expect(result.stdout + result.stderr).not.toContain(TOKEN);
});

test('a rejected token: one stderr line naming the fix, without the token', async () => {
  const wrong = `${TOKEN}_revoked`;
  const result = await runCli(
    ['predict', '--model', 'acme/tiny', '-i', 'prompt=Hello'],
    hubEnv(wrong),
  );
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^llm-deploy: the Hub refused HF_TOKEN for acme\/tiny .*HTTP 401/),
  ]);
  expect(result.stderr).not.toContain(TOKEN);
});

describe('llm-deploy serve with LOG_LEVEL=trace', () => {
  const serveEnv = (token: string) => ({
    ...hubEnv(token),
    MODEL: 'acme/tiny',
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'trace',
  });

  test('loads, serves, drains on SIGTERM, and logs no token', async () => {
    const server = startCli(['serve'], serveEnv(TOKEN));
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      await server.waitFor(/model ready/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await server.stop('SIGTERM')).toBe(0);
      const logs = server.output();
      expect(logs).toContain('"model":"acme/tiny"');
      expect(logs).not.toContain(TOKEN);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test('a failed load is logged with the reason, and no token', async () => {
    const wrong = `${TOKEN}_revoked`;
    const server = startCli(['serve'], serveEnv(wrong));
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      await server.waitFor(/model setup failed/);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      await server.stop('SIGTERM');
      const logs = server.output();
      expect(logs).toMatch(/refused HF_TOKEN for acme\/tiny/);
      expect(logs).not.toContain(TOKEN);
    } finally {
      await server.stop('SIGKILL');
    }
  });
});
