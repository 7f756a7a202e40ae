import SwaggerParser from '@apidevtools/swagger-parser';
import Replicate, { type ApiError } from 'replicate';
import type { RunningServer } from '../../../../inference/src/server';
import { schemaErrors, type Schema } from '../../../helpers/json-schema';
import { startTestServer } from '../../../helpers/server';

/**
 * Cog's wire contract as its generated clients read it: FastAPI's 422 HTTPValidationError with
 * `detail[i].loc/msg/type`, and responses that fit the schemas /openapi.json publishes.
 */
let server: RunningServer;
let schemas: Record<string, Schema>;

beforeAll(async () => {
  server = await startTestServer();
  const document = await (await fetch(`${server.url}/openapi.json`)).json();
  const dereferenced = (await SwaggerParser.dereference(structuredClone(document))) as {
    components: { schemas: Record<string, Schema> };
  };
  schemas = dereferenced.components.schemas;
});
afterAll(() => server.close());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: path.startsWith('/predictions/') && !path.endsWith('/cancel') ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { detail: unknown } };
}

test("/openapi.json is valid and declares 422 as HTTPValidationError, as Cog's generator does", async () => {
  const document = await (await fetch(`${server.url}/openapi.json`)).json();
  await SwaggerParser.validate(structuredClone(document));
  const validationError = { $ref: '#/components/schemas/HTTPValidationError' };
  for (const operation of [
    document.paths['/predictions'].post,
    document.paths['/predictions/{prediction_id}'].put,
    document.paths['/predictions/{prediction_id}/cancel'].post,
  ]) {
    expect(operation.responses['422']).toEqual({
      description: 'Validation Error',
      content: { 'application/json': { schema: validationError } },
    });
  }
  expect(document.components.schemas.ValidationError).toMatchObject({
    required: ['loc', 'msg', 'type'],
    properties: {
      loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      msg: { type: 'string' },
      type: { type: 'string' },
    },
  });
});

test.each([
  [
    'a value over its maximum',
    { input: { prompt: 'x', max_new_tokens: 100000 } },
    [
      {
        loc: ['body', 'input', 'max_new_tokens'],
        msg: 'Input should be less than or equal to 2048',
        type: 'less_than_equal',
      },
    ],
  ],
  [
    'every problem at once',
    { input: { prompt: 'x', temperature: -1, top_p: 0, top_k: 'many' } },
    [
      {
        loc: ['body', 'input', 'temperature'],
        msg: 'Input should be greater than or equal to 0',
        type: 'greater_than_equal',
      },
      {
        loc: ['body', 'input', 'top_p'],
        msg: 'Input should be greater than 0',
        type: 'greater_than',
      },
      { loc: ['body', 'input', 'top_k'], msg: 'Input should be a valid integer', type: 'int_type' },
    ],
  ],
  [
    'a wrong type',
    { input: { prompt: 5 } },
    [
      {
        loc: ['body', 'input', 'prompt'],
        msg: 'Input should be a valid string',
        type: 'string_type',
      },
    ],
  ],
  [
    'input that is not an object',
    { input: 'Hello' },
    [{ loc: ['body', 'input'], msg: 'Input should be a valid dictionary', type: 'dict_type' }],
  ],
  [
    'a bad webhook filter',
    { input: { prompt: 'x' }, webhook_events_filter: 'start' },
    [
      {
        loc: ['body', 'webhook_events_filter'],
        msg: 'Input should be a valid list',
        type: 'list_type',
      },
    ],
  ],
])('422 for %s lists each problem with its location', async (_name, body, detail) => {
  const response = await post('/predictions', body);
  expect(response.status).toBe(422);
  expect(response.body).toEqual({ detail });
  expect(schemaErrors(schemas.HTTPValidationError, response.body)).toEqual([]);
});

test("a prompt past the model's context is located in the input, as are the engine's other refusals", async () => {
  const response = await post('/predictions', { input: { prompt: 'word '.repeat(2000) } });
  expect(response.status).toBe(422);
  expect(response.body.detail).toMatchObject([
    {
      loc: ['body', 'input', 'prompt'],
      msg: expect.stringMatching(/context/),
      type: 'value_error',
    },
  ]);
});

test('a bad id in the path is located in the path; a body that is not JSON at the character', async () => {
  const badId = await post('/predictions/%20x', { input: { prompt: 'x' } });
  expect(badId.status).toBe(422);
  expect(badId.body.detail).toMatchObject([
    { loc: ['path', 'prediction_id'], type: 'value_error' },
  ]);
  const notJson = await post('/predictions', '{"input": {"prompt": "x",}}');
  expect(notJson.status).toBe(422);
  expect(notJson.body).toEqual({
    detail: [{ loc: ['body', 25], msg: 'JSON decode error', type: 'json_invalid' }],
  });
});

test('a starting prediction (output null) fits the published PredictionResponse', async () => {
  const started = await post(
    '/predictions',
    { input: { prompt: 'Hi', max_new_tokens: 2 } },
    {
      prefer: 'respond-async',
    },
  );
  expect(started.status).toBe(202);
  expect(schemaErrors(schemas.PredictionResponse, started.body)).toEqual([]);
  const done = await post('/predictions', { input: { prompt: 'Hi', max_new_tokens: 2 } });
  expect(schemaErrors(schemas.PredictionResponse, done.body)).toEqual([]);
});

test('GET / names the docs page while the playground is on', async () => {
  const discovery = await (await fetch(`${server.url}/`)).json();
  expect(discovery).toMatchObject({ docs_url: '/docs', openapi_url: '/openapi.json' });
  expect((await fetch(`${server.url}${discovery.docs_url}`)).status).toBe(200);
});

test("Replicate's routes keep Replicate's shape for the same bad input", async () => {
  const replicate = new Replicate({ auth: 'unused', baseUrl: `${server.url}/v1` });
  const error = await replicate.predictions
    .create({ model: 'acme/tiny', input: { prompt: 'x', max_new_tokens: 100000 } })
    .catch((e: unknown) => e);
  const { response, message } = error as ApiError;
  expect(response.status).toBe(422);
  // The client puts the body it read in the message.
  expect(JSON.parse(/422 [^:]*: (\{.*\})\.$/.exec(message)![1])).toEqual({
    detail: expect.stringContaining('input.max_new_tokens'),
    status: 422,
    title: 'invalid_request_error',
  });
});

describe('with the playground off', () => {
  let bare: RunningServer;
  beforeAll(async () => {
    bare = await startTestServer({ PLAYGROUND: 'false' });
  });
  afterAll(() => bare.close());

  test('GET / has no docs_url (there is no /docs to point at)', async () => {
    const discovery = await (await fetch(`${bare.url}/`)).json();
    expect(discovery.docs_url).toBeUndefined();
    expect(discovery.openapi_url).toBe('/openapi.json');
  });
});
