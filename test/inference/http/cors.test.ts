import { loadConfig } from '../../../inference/src/config';
import type { RunningServer } from '../../../inference/src/server';
import { startTestServer } from '../../helpers/server';

/** CORS by raw HTTP: what a browser's preflight gets, on every API family, and what it does not. */
const ALLOWED = 'https://app.example.com';
const KEY = 'k-cors';

function preflight(
  url: string,
  origin: string,
  method = 'POST',
  headers = 'authorization, content-type',
) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });
}

describe('with CORS_ORIGINS set (and API keys)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      CORS_ORIGINS: `${ALLOWED}, http://127.0.0.1:3000`,
      API_KEYS: KEY,
    });
  });
  afterAll(() => server.close());

  test.each([
    ['POST', '/v1/chat/completions'],
    ['POST', '/v1/completions'],
    ['GET', '/v1/models'],
    ['POST', '/v1/models/acme/tiny/predictions'],
    ['GET', '/v1/predictions/abc'],
    ['POST', '/predictions'],
    ['PUT', '/predictions/abc'],
    ['POST', '/predictions/abc/cancel'],
  ])(
    'a preflight for %s %s is answered before auth, with what the SDKs send allowed',
    async (method, path) => {
      const asked =
        'authorization, content-type, openai-beta, x-stainless-os, x-stainless-retry-count, prefer';
      const response = await preflight(`${server.url}${path}`, ALLOWED, method, asked);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(response.headers.get('access-control-allow-methods')).toContain(method);
      expect(response.headers.get('access-control-allow-headers')).toBe(asked);
      expect(response.headers.get('vary')).toMatch(/origin/i);
    },
  );

  test('the actual request carries the origin and exposes the headers clients read', async () => {
    const response = await fetch(`${server.url}/v1/models`, {
      headers: { origin: ALLOWED, authorization: `Bearer ${KEY}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/);
  });

  test('a refusal (401) is readable by the allowed page', async () => {
    const response = await fetch(`${server.url}/v1/models`, { headers: { origin: ALLOWED } });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  test('another origin gets no CORS headers, preflight or not', async () => {
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.net', 'null']) {
      const answer = await preflight(`${server.url}/v1/chat/completions`, origin);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.status).toBeGreaterThanOrEqual(400);
      const request = await fetch(`${server.url}/v1/models`, {
        headers: { origin, authorization: `Bearer ${KEY}` },
      });
      expect(request.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  test('the metrics port answers no preflight', async () => {
    const response = await preflight(`${server.metricsUrl}/metrics`, ALLOWED, 'GET');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.status).toBe(404);
  });
});

describe('by default (no CORS_ORIGINS)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('nothing changes: no preflight is answered, no CORS header is sent', async () => {
    const answer = await preflight(`${server.url}/v1/chat/completions`, ALLOWED);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const request = await fetch(`${server.url}/v1/models`, { headers: { origin: ALLOWED } });
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
  });
});

test('CORS_ORIGINS: origins only (scheme://host[:port]), or *; every bad one named', () => {
  expect(
    loadConfig({ CORS_ORIGINS: 'https://a.example.com,http://127.0.0.1:8080' }).corsOrigins,
  ).toEqual(['https://a.example.com', 'http://127.0.0.1:8080']);
  expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  expect(loadConfig({}).corsOrigins).toEqual([]);
  expect(() =>
    loadConfig({ CORS_ORIGINS: 'https://a.example.com/, app.example.com, ftp://x' }),
  ).toThrow(
    /CORS_ORIGINS.*"https:\/\/a\.example\.com\/" is not an origin[\s\S]*"app\.example\.com" is not an origin[\s\S]*"ftp:\/\/x" is not an origin/,
  );
});
