import type { RunningServer } from '../../../../inference/src/server';
import {
  fieldMutations,
  HUGE_STRING,
  malformedBodies,
  SAMPLING_BAD_VALUES,
  wrongContentTypes,
  type BadCase,
} from '../../http/bad-input/cases';
import { startTestServer } from '../../../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const cogBody = { input: { prompt: 'hi', max_new_tokens: 2 } };
const replicateBody = { version: 'v1', input: { prompt: 'hi', max_new_tokens: 2 } };

const inputFields: Record<string, unknown[]> = {
  ...Object.fromEntries(Object.entries(SAMPLING_BAD_VALUES).map(([k, v]) => [`input.${k}`, v])),
  input: ['hi', 5, [], [{ prompt: 'hi' }]],
  'input.prompt': [5, null, '', ['hi'], { text: 'hi' }, HUGE_STRING],
  'input.pregunta': [5, ''],
  'input.max_new_tokens': [0, -1, 1.5, 'ten', 1e300, 99999, true],
  'input.max_tokens': [0, 'ten'],
  'input.stop_sequences': [5, ['a']],
  'input.system_prompt': [5, { role: 'system' }],
  webhook: [5, 'ftp://example.com/h', 'not a url', 'http://user:pass@example.com/h'],
  webhook_events_filter: ['start', ['done'], [5]],
};

const routes: { method: string; path: string; valid: object; extra: Record<string, unknown[]> }[] =
  [
    {
      method: 'POST',
      path: '/predictions',
      valid: cogBody,
      extra: { id: [5, '', 'a/b', 'x'.repeat(200)] },
    },
    { method: 'PUT', path: '/predictions/abc', valid: cogBody, extra: { id: ['other', 5] } },
    {
      method: 'POST',
      path: '/v1/predictions',
      valid: replicateBody,
      extra: { version: [5, '', null], stream: ['yes'] },
    },
    { method: 'POST', path: '/v1/models/a/b/predictions', valid: replicateBody, extra: {} },
    { method: 'POST', path: '/v1/deployments/a/b/predictions', valid: replicateBody, extra: {} },
  ];

const json = { 'content-type': 'application/json' };
const cases: BadCase[] = [
  ...routes.flatMap((r) => [
    ...malformedBodies(r.method, r.path),
    ...wrongContentTypes(r.method, r.path, r.valid),
    ...fieldMutations(r.method, r.path, r.valid, { ...inputFields, ...r.extra }),
  ]),
  ...['wait=0', 'wait=61', 'wait=soon', 'wait=1.5'].map((prefer) => ({
    name: `Prefer: ${prefer}`,
    method: 'POST',
    path: '/v1/models/a/b/predictions',
    headers: { ...json, prefer },
    body: replicateBody,
  })),
  { name: 'bad cursor', method: 'GET', path: '/v1/predictions?cursor=not-ours' },
  { name: 'unknown prediction', method: 'GET', path: '/v1/predictions/nope' },
  { name: 'unknown stream', method: 'GET', path: '/v1/predictions/nope/stream' },
  { name: 'unknown cancel', method: 'POST', path: '/v1/predictions/nope/cancel' },
  { name: 'unknown Cog cancel', method: 'POST', path: '/predictions/nope/cancel' },
  {
    name: 'bad id in path',
    method: 'PUT',
    path: '/predictions/%20x',
    headers: json,
    body: cogBody,
  },
  { name: 'GET on a Cog POST route', method: 'GET', path: '/predictions' },
  { name: 'DELETE a prediction', method: 'DELETE', path: '/v1/predictions/x' },
];

test.each(cases.map((c) => [`${c.method} ${c.path.slice(0, 40)}: ${c.name}`, c] as const))(
  '%s -> 4xx with a JSON detail',
  async (_name, c) => {
    const body =
      c.body === undefined || typeof c.body === 'string' || c.body instanceof Uint8Array
        ? c.body
        : JSON.stringify(c.body);
    const response = await fetch(`${server.url}${c.path}`, {
      method: c.method,
      headers: c.headers,
      body: body as BodyInit | undefined,
    });
    const text = await response.text();
    if (response.status < 400 || response.status >= 500)
      throw new Error(`expected a 4xx, got ${response.status}: ${text.slice(0, 300)}`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const { detail } = JSON.parse(text) as { detail: unknown };
    // Cog's 422 is FastAPI's HTTPValidationError (a list of located problems); the rest say why in a string.
    if (response.status === 422 && !c.path.startsWith('/v1/')) {
      const where = c.path.startsWith('/predictions/%20x') ? 'path' : 'body';
      expect(detail).toEqual(
        expect.arrayContaining([
          {
            loc: expect.arrayContaining([where]),
            msg: expect.any(String),
            type: expect.any(String),
          },
        ]),
      );
    } else expect(typeof detail).toBe('string');
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  },
);

test('nothing bad was run: the store holds no prediction', async () => {
  expect((await (await fetch(`${server.url}/v1/predictions`)).json()).results).toEqual([]);
});
