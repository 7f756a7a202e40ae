import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Replicate from 'replicate';
import type { RunningServer } from '../../../inference/src/server';
import { launchChromium, type TestBrowser } from '../../helpers/browser';
import { startTestServer } from '../../helpers/server';

/**
 * A page on another origin calls the API from a real browser (two loopback ports are two
 * origins), sending exactly the headers the official SDKs send, so chromium preflights them.
 */
const KEY = 'k-browser';

let server: RunningServer;
let browser: TestBrowser;
const pages: Server[] = [];
let allowedOrigin: string;
let otherOrigin: string;

/** A loopback origin serving one empty page. */
async function startOrigin(): Promise<string> {
  const origin = createServer((_request, response) =>
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>app</title>'),
  );
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  pages.push(origin);
  return `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
}

/** The headers an SDK sends for one call (captured in Node), less those a page may not set. */
async function sdkHeaders(call: (fetch: typeof globalThis.fetch) => Promise<unknown>) {
  let sent: Record<string, string> = {};
  await call(async (url, init) => {
    sent = {};
    new Headers(init?.headers).forEach((value, name) => (sent[name] = value));
    return fetch(url, init);
  });
  const forbidden = ['user-agent', 'content-length', 'accept-encoding', 'connection', 'host'];
  return Object.fromEntries(Object.entries(sent).filter(([name]) => !forbidden.includes(name)));
}

beforeAll(async () => {
  [allowedOrigin, otherOrigin] = await Promise.all([startOrigin(), startOrigin()]);
  [server, browser] = await Promise.all([
    startTestServer({ CORS_ORIGINS: allowedOrigin, API_KEYS: KEY }),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const page of pages) page.close();
});

const chat = { model: 'tiny', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 3 };

async function fetchFrom(
  origin: string,
  url: string,
  init: { method: string; headers: object; body: string },
) {
  const page = await browser.context.newPage();
  try {
    await page.goto(origin);
    return await page.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, init as RequestInit);
          return {
            status: response.status,
            body: await response.json(),
            requestId: response.headers.get('x-request-id'),
          };
        } catch (error) {
          return { failed: String(error) };
        }
      },
      { url, init },
    );
  } finally {
    await page.close();
  }
}

test("the OpenAI SDK's chat call works from the allowed origin, with its x-stainless-* headers", async () => {
  const headers = await sdkHeaders((fetch) =>
    new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: KEY,
      fetch,
      maxRetries: 0,
    }).chat.completions.create(chat),
  );
  expect(Object.keys(headers)).toEqual(
    expect.arrayContaining(['authorization', 'x-stainless-lang']),
  );
  const result = await fetchFrom(allowedOrigin, `${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: JSON.stringify(chat),
  });
  expect(result).toMatchObject({ status: 200, body: { object: 'chat.completion' } });
  expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/); // an exposed header
});

test("the replicate SDK's create call works from the allowed origin, Prefer included", async () => {
  const input = { prompt: 'Hi', max_new_tokens: 2 };
  const headers = await sdkHeaders((fetch) =>
    new Replicate({ auth: KEY, baseUrl: `${server.url}/v1`, fetch }).predictions.create({
      model: 'acme/tiny',
      input,
      wait: 5,
    }),
  );
  expect(headers.prefer).toBe('wait=5');
  const result = await fetchFrom(allowedOrigin, `${server.url}/v1/models/acme/tiny/predictions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ input }),
  });
  expect(result).toMatchObject({ status: 201, body: { status: 'succeeded' } });
});

test('the same call from another origin is blocked by the browser', async () => {
  const result = await fetchFrom(otherOrigin, `${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(chat),
  });
  expect(result).toEqual({ failed: expect.stringMatching(/TypeError: Failed to fetch/) });
});
