import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configureHub, type TransformersEnv } from '../../../inference/src/models/hub';

/** A loopback server that remembers the headers of each request. */
async function headerRecorder(): Promise<{
  url: string;
  seen: IncomingHttpHeaders[];
  server: Server;
}> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

function configured(endpoint: string, token?: string): TransformersEnv {
  const env = {} as TransformersEnv;
  configureHub(env, { endpoint, token, cacheDir: '/tmp/llm-deploy-test-cache', offline: false });
  return env;
}

describe('configureHub', () => {
  let hub: Awaited<ReturnType<typeof headerRecorder>>;
  let other: Awaited<ReturnType<typeof headerRecorder>>;
  beforeAll(async () => {
    hub = await headerRecorder();
    other = await headerRecorder();
  });
  afterAll(() => {
    hub.server.close();
    other.server.close();
  });

  test('sends the token as a bearer token to the endpoint, keeping the caller headers', async () => {
    const env = configured(hub.url, 'hf_abc');
    await env.fetch(`${hub.url}/acme/tiny/resolve/main/config.json`, {
      headers: { 'User-Agent': 'transformers.js/4' },
    });
    expect(hub.seen.at(-1)).toMatchObject({
      authorization: 'Bearer hf_abc',
      'user-agent': 'transformers.js/4',
    });
  });

  test('sends it nowhere else, not even to a port that shares the prefix', async () => {
    const env = configured(hub.url, 'hf_abc');
    await env.fetch(`${other.url}/acme/tiny/resolve/main/config.json`);
    expect(other.seen.at(-1)?.authorization).toBeUndefined();
    // http://127.0.0.1:4000 must not authenticate http://127.0.0.1:40001.
    const port = new URL(hub.url).port;
    const prefixOnly = configured(`http://127.0.0.1:${port.slice(0, -1)}`, 'hf_abc');
    await prefixOnly.fetch(`${hub.url}/x`);
    expect(hub.seen.at(-1)?.authorization).toBeUndefined();
  });

  test('without a token, no Authorization header at all', async () => {
    await configured(hub.url).fetch(`${hub.url}/x`);
    expect(hub.seen.at(-1)?.authorization).toBeUndefined();
  });

  test('points transformers.js at the endpoint and the cache; offline turns remote loading off', () => {
    const online = configured(`${hub.url}/mirror`);
    expect(online).toMatchObject({
      remoteHost: `${hub.url}/mirror/`,
      cacheDir: '/tmp/llm-deploy-test-cache',
      useFSCache: true,
      allowLocalModels: true,
      allowRemoteModels: true,
    });
    const env = {} as TransformersEnv;
    configureHub(env, { endpoint: hub.url, cacheDir: '/c', offline: true });
    expect(env.allowRemoteModels).toBe(false);
  });
});
