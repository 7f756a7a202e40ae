import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Metrics } from '../../../../inference/src/api/metrics/metrics';
import {
  registerPlaygroundRoutes,
  sendPlaygroundPage,
  wantsHtml,
} from '../../../../inference/src/api/playground/routes';
import { createApp } from '../../../../inference/src/app';
import { loadConfig } from '../../../../inference/src/config';
import { ApiKeys } from '../../../../inference/src/http/api-keys';
import { RateLimiter } from '../../../../inference/src/http/rate-limit';
import { Lifecycle } from '../../../../inference/src/lifecycle';
import { SERVER_VERSION } from '../../../../inference/src/version';

/** The app without a model: the playground's routes need none. */
async function appWith(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({}, { MODEL: 'acme/chat-model', ...env });
  const metrics = new Metrics({ running: () => 0, waiting: () => 0 });
  const { app } = await createApp({
    config,
    lifecycle: new Lifecycle(),
    metrics,
    apiKeys: new ApiKeys(config.auth.keys, undefined),
    rateLimiter: new RateLimiter(0, 0),
  });
  return app;
}

describe('playground on (the default)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith();
  });
  afterAll(() => app.close());

  test('GET /playground: the page, locked to this origin by its CSP', async () => {
    const res = await app.inject({ url: '/playground' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain('You are talking to an AI model');
    // Nothing from another origin: every src and href is a path on this server.
    const urls = [...res.body.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toMatch(/^\/(?!\/)/);
  });

  test('every asset the page and its modules load is served with a fitting type', async () => {
    const page = (await app.inject({ url: '/playground' })).body;
    const pending = [...page.matchAll(/(?:src|href)="(\/playground\/assets\/[^"]+)"/g)].map(
      (m) => m[1],
    );
    const seen = new Set<string>();
    while (pending.length > 0) {
      const url = pending.pop() as string;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      if (url.endsWith('.js')) {
        expect(res.headers['content-type']).toMatch(/javascript/);
        for (const m of res.body.matchAll(/from '\.\/([\w-]+\.js)'/g))
          pending.push(`/playground/assets/${m[1]}`);
      }
      if (url.endsWith('.css')) expect(res.headers['content-type']).toMatch(/^text\/css/);
    }
    expect(seen).toContain('/playground/assets/snippets.js');
    expect(seen).toContain('/playground/assets/sse.js');
  });

  test('GET /playground/info: model, Replicate name, version, key requirement, disclosure', async () => {
    const res = await app.inject({ url: '/playground/info' });
    expect(res.json()).toEqual({
      model: 'acme/chat-model',
      replicateModel: 'acme/chat-model',
      version: SERVER_VERSION,
      requiresApiKey: false,
      disclosure: 'You are talking to an AI model',
      maxTokens: 2048,
    });
  });

  test('/docs: Swagger UI from local files, reading /openapi.json', async () => {
    const page = await app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui-bundle.js');
    expect(page.body).not.toMatch(/https?:\/\//);
    const bundle = await app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.body).toContain('"/openapi.json"');
    const json = await app.inject({ url: '/docs/json' });
    expect(json.statusCode).toBe(404);
    expect(json.json().detail).toBe('the OpenAPI document is at /openapi.json');
  });
});

test('PLAYGROUND=false: no page, assets, docs or info; the APIs stay', async () => {
  const app = await appWith({ PLAYGROUND: 'false' });
  for (const url of [
    '/playground',
    '/playground/assets/main.js',
    '/docs',
    '/docs/static/swagger-ui-bundle.js',
    '/playground/info',
  ]) {
    expect({ url, status: (await app.inject({ url })).statusCode }).toEqual({ url, status: 404 });
  }
  expect((await app.inject({ url: '/v1/models' })).statusCode).toBe(200);
  await app.close();
});

test('PLAYGROUND accepts only a boolean, and says so', () => {
  expect(() => loadConfig({}, { PLAYGROUND: 'maybe' })).toThrow(/^PLAYGROUND \("maybe"\): /);
});

test('with API_KEYS: info says a key is needed, and page, assets, info and docs stay public', async () => {
  const app = await appWith({ API_KEYS: 'sk-one,sk-two' });
  const info = await app.inject({ url: '/playground/info' });
  expect(info.statusCode).toBe(200);
  expect(info.json().requiresApiKey).toBe(true);
  for (const url of [
    '/playground',
    '/playground/assets/main.js',
    '/docs',
    '/docs/static/index.css',
  ])
    expect({ url, status: (await app.inject({ url })).statusCode }).toEqual({ url, status: 200 });
  expect((await app.inject({ url: '/v1/models' })).statusCode).toBe(401);
  await app.close();
});

test('requiresApiKey follows the keys as they change (API_KEYS_FILE rotation)', async () => {
  const app = Fastify();
  const keys = { enabled: false };
  await registerPlaygroundRoutes(app, { config: loadConfig({}, {}), apiKeys: keys });
  const requires = async () =>
    (await app.inject({ url: '/playground/info' })).json().requiresApiKey;
  expect(await requires()).toBe(false);
  keys.enabled = true;
  expect(await requires()).toBe(true);
  await app.close();
});

test('sendPlaygroundPage serves the page from any route (for GET / negotiation)', async () => {
  const app = Fastify();
  app.get('/', async (request, reply) =>
    wantsHtml(request) ? sendPlaygroundPage(reply) : { docs_url: '/docs' },
  );
  const browser = await app.inject({
    url: '/',
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  });
  expect(browser.headers['content-type']).toBe('text/html; charset=utf-8');
  const curl = await app.inject({ url: '/', headers: { accept: '*/*' } });
  expect(curl.json()).toEqual({ docs_url: '/docs' });
  await app.close();
});

test.each([
  ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
  ['text/html', true],
  ['application/json, text/html;q=0.9', false],
  ['text/html;q=0.5, application/json', false],
  ['text/html, application/json', false],
  ['application/json', false],
  ['*/*', false],
  ['text/*', true],
  ['text/html;q=0', false],
  ['', false],
  [undefined, false],
])('wantsHtml(Accept: %s) is %s', (accept, expected) => {
  expect(wantsHtml({ headers: accept === undefined ? {} : { accept } })).toBe(expected);
});

// Run after `npm run build -w inference` (npm ci does it): the page must ship with the server.
test('the build ships the page: dist holds the same static files as the source', () => {
  const source = resolve(__dirname, '../../../../inference/src/api/playground/static');
  const built = resolve(__dirname, '../../../../inference/dist/src/api/playground/static');
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length))
      .sort();
  expect(files(built)).toEqual(files(source));
  expect(readFileSync(join(built, 'index.html'), 'utf8')).toBe(
    readFileSync(join(source, 'index.html'), 'utf8'),
  );
});
