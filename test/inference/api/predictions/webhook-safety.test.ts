import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Replicate, { validateWebhook } from 'replicate';
import { Webhook } from 'standardwebhooks';
import { Prediction, WebhookSender } from '../../../../inference/src/api/predictions';
import type { Resolver } from '../../../../inference/src/api/predictions/webhook-network';
import type { RunningServer } from '../../../../inference/src/server';
import { startTestServer } from '../../../helpers/server';
import { startWebhookReceiver, type WebhookReceiver } from '../../../helpers/webhook-receiver';

const SECRET = `whsec_${Buffer.from('llm-deploy webhook test key, 32b').toString('base64')}`;

/** Targets a caller must not be able to make the server POST to (SSRF). */
const FORBIDDEN = [
  'http://127.0.0.1:{port}/hook',
  'http://127.1:{port}/hook', // short IPv4, normalized by the URL parser
  'http://2130706433:{port}/hook', // 127.0.0.1 as one number
  'http://0x7f000001:{port}/hook',
  'http://localhost:{port}/hook',
  'http://LOCALHOST.:{port}/hook',
  'http://api.localhost/hook',
  'http://[::1]:{port}/hook',
  'http://[::ffff:127.0.0.1]:{port}/hook', // IPv4-mapped IPv6
  'http://[::ffff:a9fe:a9fe]/latest/meta-data/', // mapped 169.254.169.254, in hex
  'http://169.254.169.254/latest/meta-data/', // cloud metadata
  'http://[fd00:ec2::254]/latest/meta-data/', // AWS's IPv6 metadata (ULA)
  'http://10.0.0.5/hook',
  'http://172.16.3.4/hook',
  'http://192.168.1.10/hook',
  'http://100.64.0.1/hook', // carrier-grade NAT
  'http://0.0.0.0:{port}/hook',
  'http://[::]:{port}/hook',
  'http://224.0.0.1/hook', // multicast
  'http://[fe80::1]/hook', // link-local
  'http://[64:ff9b::7f00:1]/hook', // NAT64 of 127.0.0.1
];

describe('a server with the default settings', () => {
  let server: RunningServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    server = await startTestServer();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  const port = () => new URL(receiver.url).port;

  test.each(FORBIDDEN)(
    'refuses the webhook %s at once (Cog: 422 located at webhook)',
    async (pattern) => {
      const webhook = pattern.replace('{port}', port());
      const response = await fetch(`${server.url}/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({ input: { prompt: 'x', max_new_tokens: 1 }, webhook }),
      });
      expect(response.status).toBe(422);
      const { detail } = await response.json();
      expect(detail).toMatchObject([
        { loc: ['body', 'webhook'], msg: expect.stringMatching(/WEBHOOK_ALLOW_PRIVATE=true/) },
      ]);
    },
  );

  test("refuses it over Replicate too, in Replicate's shape, and nothing is delivered", async () => {
    const replicate = new Replicate({ auth: 'unused', baseUrl: `${server.url}/v1` });
    const error = (await replicate.predictions
      .create({ model: 'a/b', input: { prompt: 'x' }, webhook: receiver.url })
      .catch((e: unknown) => e)) as Error & { response: Response };
    expect(error.response.status).toBe(422);
    expect(error.message).toMatch(
      /webhook must reach a public address: 127\.0\.0\.1 is a loopback address/,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.attempts).toBe(0);
  });

  test('GET /v1/webhooks/default/secret is refused on a server without API keys', async () => {
    const response = await fetch(`${server.url}/v1/webhooks/default/secret`);
    expect(response.status).toBe(403);
    expect((await response.json()).detail).toMatch(/API_KEYS/);
  });
});

describe('WEBHOOK_ALLOW_PRIVATE=true with a secret and API keys', () => {
  let server: RunningServer;
  let receiver: WebhookReceiver;
  let replicate: Replicate;
  beforeAll(async () => {
    server = await startTestServer({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_SECRET: SECRET,
      API_KEYS: 'key-one',
    });
    receiver = await startWebhookReceiver();
    replicate = new Replicate({ auth: 'key-one', baseUrl: `${server.url}/v1` });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  test('the replicate client reads the signing secret', async () => {
    expect(await replicate.webhooks.default.secret.get()).toEqual({ key: SECRET });
    const anonymous = await fetch(`${server.url}/v1/webhooks/default/secret`);
    expect(anonymous.status).toBe(401);
  });

  test('every delivery is signed the Standard Webhooks way; two independent verifiers accept it', async () => {
    const prediction = await replicate.predictions.create({
      model: 'acme/tiny',
      input: { prompt: 'Hello', max_new_tokens: 3 },
      webhook: receiver.url,
    });
    await receiver.waitFor((b) => b.id === prediction.id && b.status === 'succeeded');
    const mine = receiver.received.filter((r) => r.body.id === prediction.id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const { key } = await replicate.webhooks.default.secret.get();
    const verifier = new Webhook(key);
    for (const hook of mine) {
      const headers = {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      };
      expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
      expect(verifier.verify(hook.raw, headers)).toEqual(hook.body);
      expect(
        await validateWebhook({
          id: headers['webhook-id'],
          timestamp: headers['webhook-timestamp'],
          signature: headers['webhook-signature'],
          body: hook.raw,
          secret: key,
        }),
      ).toBe(true);
      // A body changed in transit no longer verifies.
      expect(() => verifier.verify(hook.raw.replace('"acme/tiny"', '"evil/x"'), headers)).toThrow();
    }
    expect(new Set(mine.map((h) => h.headers['webhook-id'])).size).toBe(mine.length);
  });
});

describe('the webhook sender', () => {
  const base = { secret: SECRET, baseDelayMs: 5, timeoutMs: 2000 };
  const newPrediction = (id: string) =>
    new Prediction({
      id,
      input: { prompt: 'x' },
      model: 'm',
      version: 'v',
      owner: 'anonymous',
      abort: new AbortController(),
      seq: 0,
      promptTokens: 1,
    });
  const completed = {
    events: new Set(['completed'] as const),
    render: (p: Prediction) => ({ id: p.id }),
  };

  /** A resolver that answers every name with `addresses`, as a rebinding DNS server would. */
  const resolverTo = (...addresses: string[]) => {
    const asked: string[] = [];
    const resolve: Resolver = (hostname, _options, callback) => {
      asked.push(hostname);
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    };
    return { resolve, asked };
  };

  test('checks the address a name resolves to when it connects: a name pointing at loopback gets nothing', async () => {
    const receiver = await startWebhookReceiver();
    const warnings: object[] = [];
    try {
      const { resolve, asked } = resolverTo('127.0.0.1');
      const sender = new WebhookSender({
        ...base,
        resolve,
        log: { warn: (d) => warnings.push(d) },
      });
      const prediction = newPrediction('rebound');
      const url = receiver.url.replace('127.0.0.1', 'hooks.example.com');
      sender.attach(prediction, { ...completed, url });
      prediction.complete('succeeded');
      await sender.drain();
      expect(asked).toEqual(['hooks.example.com']); // refused once, not retried
      expect(receiver.attempts).toBe(0);
      expect(JSON.stringify(warnings)).toMatch(
        /hooks\.example\.com \(127\.0\.0\.1\) is a loopback address/,
      );
    } finally {
      await receiver.close();
    }
  });

  test('a name with a public and a private address is refused (no address of it is used)', async () => {
    const warnings: object[] = [];
    const { resolve } = resolverTo('93.184.215.14', '10.1.2.3');
    const sender = new WebhookSender({ ...base, resolve, log: { warn: (d) => warnings.push(d) } });
    const prediction = newPrediction('mixed');
    sender.attach(prediction, { ...completed, url: 'http://hooks.example.com/h' });
    prediction.complete('succeeded');
    await sender.drain();
    expect(JSON.stringify(warnings)).toMatch(/10\.1\.2\.3\) is a private address/);
  });

  test('with allowPrivate a loopback receiver gets the delivery', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const { resolve } = resolverTo('127.0.0.1');
      const sender = new WebhookSender({ ...base, resolve, allowPrivate: true });
      const prediction = newPrediction('allowed');
      sender.attach(prediction, { ...completed, url: receiver.url });
      prediction.complete('succeeded');
      await sender.drain();
      expect(receiver.received.map((r) => r.body)).toEqual([{ id: 'allowed' }]);
    } finally {
      await receiver.close();
    }
  });

  test('a retried message keeps its webhook-id and is signed again', async () => {
    const receiver = await startWebhookReceiver({ failFirst: 1 });
    try {
      const sender = new WebhookSender({ ...base, allowPrivate: true });
      const prediction = newPrediction('retried');
      sender.attach(prediction, { ...completed, url: receiver.url });
      prediction.complete('succeeded');
      await sender.drain();
      const [first, second] = receiver.attemptHeaders;
      expect(receiver.attempts).toBe(2);
      expect(second['webhook-id']).toBe(first['webhook-id']);
      const verify = new Webhook(SECRET);
      expect(verify.verify(receiver.received[0].raw, second as Record<string, string>)).toEqual({
        id: 'retried',
      });
    } finally {
      await receiver.close();
    }
  });

  test('a redirect is not followed, even to an allowed address', async () => {
    const target = await startWebhookReceiver();
    const redirector = createServer((_request, response) =>
      response.writeHead(307, { location: target.url }).end(),
    );
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const warnings: object[] = [];
      const sender = new WebhookSender({
        ...base,
        allowPrivate: true,
        log: { warn: (d) => warnings.push(d) },
      });
      const prediction = newPrediction('redirected');
      const { port } = redirector.address() as AddressInfo;
      sender.attach(prediction, { ...completed, url: `http://127.0.0.1:${port}/h` });
      prediction.complete('succeeded');
      await sender.drain();
      expect(target.attempts).toBe(0);
      expect(JSON.stringify(warnings)).toMatch(/receiver answered 307/);
    } finally {
      redirector.close();
      await target.close();
    }
  });
});
