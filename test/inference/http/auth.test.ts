import { Writable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../inference/src/config';
import { startServer, type RunningServer } from '../../../inference/src/server';
import { sampleUrl } from '../../helpers/route-urls';
import { setUpEngine } from '../../helpers/engines';
import { startTestServer } from '../../helpers/server';

/** The documented allowlist (README, "Auth"): everything else needs a key. */
const PUBLIC = [
  /^\/$/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/health-check$/,
  /^\/openapi\.json$/,
  /^\/playground(\/.*)?$/,
  /^\/docs(\/.*)?$/,
];

const KEYS = ['first-key-aaaaaaaaaaaaaaaa', 'second-key-bbbbbbbbbbbbbbbb'];
let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ API_KEYS: KEYS.join(',') });
});
afterAll(() => server.close());

const call = (method: string, url: string, key?: string) =>
  fetch(`${server.url}${url}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(method === 'GET' || method === 'HEAD' ? {} : { 'content-type': 'application/json' }),
    },
    body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
  });

test('every route the router knows has a decision, and only the documented allowlist is public', () => {
  expect(server.routes.length).toBeGreaterThan(4);
  const unexpected = server.routes.filter(
    (r) => r.access === 'public' && !PUBLIC.some((p) => p.test(r.url)),
  );
  expect(unexpected).toEqual([]);
  for (const route of server.routes) expect(['public', 'key']).toContain(route.access);
});

test('without a key or with a wrong one, every non-public route answers 401; public ones never do', async () => {
  for (const route of server.routes) {
    for (const method of route.methods) {
      const url = sampleUrl(route.url);
      const [none, wrong] = [await call(method, url), await call(method, url, 'not-a-key')];
      if (route.access === 'public') {
        expect([method, url, none.status]).not.toEqual([method, url, 401]);
      } else {
        expect([method, url, none.status, wrong.status]).toEqual([method, url, 401, 401]);
        expect(none.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  }
});

test('unknown paths need a key too (no route map for strangers)', async () => {
  expect((await call('GET', '/admin')).status).toBe(401);
  expect((await call('GET', '/admin', KEYS[0])).status).toBe(404);
});

test('both configured keys work (rotation without downtime); the 401 body says how to fix it', async () => {
  for (const key of KEYS) expect((await call('GET', '/v1/models', key)).status).toBe(200);
  const res = await call('GET', '/v1/models');
  expect(await res.json()).toEqual({
    error: expect.objectContaining({
      type: 'authentication_error',
      message: expect.stringMatching(/Authorization: Bearer/),
    }),
  });
  const malformed = await fetch(`${server.url}/v1/models`, {
    headers: { authorization: `Basic ${KEYS[0]}` },
  });
  expect(malformed.status).toBe(401);
});

test('keys from API_KEYS_FILE are re-read when the file changes, and never logged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  const file = join(dir, 'api-keys');
  writeFileSync(file, '# rotated by the Secret\nold-key-1234567890\n');
  let logs = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((logs += chunk.toString()), cb()) });
  const engine = await setUpEngine();
  const config = loadConfig(
    {},
    {
      ...engine.env,
      PORT: '0',
      METRICS_PORT: '0',
      API_KEYS_FILE: file,
      HF_HUB_OFFLINE: 'true',
    },
  );
  const rotating = await startServer(config, { logger: { level: 'trace', stream } });
  try {
    const models = (key: string) =>
      fetch(`${rotating.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect((await models('old-key-1234567890')).status).toBe(200);
    writeFileSync(file, 'new-key-0987654321\n');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await models('new-key-0987654321')).status).toBe(200);
    expect((await models('old-key-1234567890')).status).toBe(401);
    await rotating.loaded;
    expect(logs).toContain('incoming request');
    expect(logs).not.toContain('old-key-1234567890');
    expect(logs).not.toContain('new-key-0987654321');
  } finally {
    await rotating.close();
    await engine.close();
  }
});
