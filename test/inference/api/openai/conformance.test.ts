import OpenAI from 'openai';
import Replicate from 'replicate';
import type { RunningServer } from '../../../../inference/src/server';
import { schemaErrors, type Schema } from '../../../helpers/json-schema';
import * as spec from '../../../helpers/openai-spec';
import { startTestServer } from '../../../helpers/server';
import { readEvents } from '../../../helpers/sse';

/** Responses held to OpenAI's published schemas, as a strict generated client would hold them. */
let server: RunningServer;
let client: OpenAI;
// A Hub-style id with a slash: the case where OpenAI's and Replicate's model paths meet.
const model = 'acme/tiny-chat';

beforeAll(async () => {
  server = await startTestServer({ SERVED_MODEL_NAME: model });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => server.close());

const expectValid = (schema: Schema, value: unknown) =>
  expect(schemaErrors(schema, value)).toEqual([]);

async function raw(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const chat = { model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4 };

test('a chat completion carries message.refusal (null) and fits CreateChatCompletionResponse', async () => {
  const { status, body } = await raw('POST', '/v1/chat/completions', chat);
  expect(status).toBe(200);
  expectValid(spec.CreateChatCompletionResponse, body);
  const sdk = await client.chat.completions.create({
    ...chat,
    messages: [{ role: 'user', content: 'Hi' }],
  });
  expect(sdk.choices[0].message.refusal).toBeNull();
});

test('every streamed chat chunk fits CreateChatCompletionStreamResponse; the role delta says refusal null', async () => {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...chat, n: 2, stream: true, stream_options: { include_usage: true } }),
  });
  const events = await readEvents(response);
  expect(events.at(-1)!.data).toBe('[DONE]');
  const chunks = events
    .slice(0, -1)
    .map((e) => JSON.parse(e.data) as { choices: { delta: object }[] });
  for (const chunk of chunks) expectValid(spec.CreateChatCompletionStreamResponse, chunk);
  expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
});

test('a completion fits CreateCompletionResponse', async () => {
  const { body } = await raw('POST', '/v1/completions', { model, prompt: 'Once', max_tokens: 3 });
  expectValid(spec.CreateCompletionResponse, body);
});

test('GET /v1/models/{model}: the SDK retrieves the served model (its slash encoded)', async () => {
  const retrieved = await client.models.retrieve(model);
  expect(retrieved).toMatchObject({ id: model, object: 'model', owned_by: 'llm-deploy' });
  const listed = await client.models.list();
  expect(listed.data).toEqual([retrieved]);
  expectValid(spec.ListModelsResponse, (await raw('GET', '/v1/models')).body);
  const encoded = await raw('GET', '/v1/models/acme%2Ftiny-chat');
  expect(encoded.status).toBe(200);
  expectValid(spec.Model, encoded.body);
});

test("GET /v1/models/{model} unencoded is both OpenAI's model and Replicate's", async () => {
  const both = await raw('GET', `/v1/models/${model}`);
  expect(both.status).toBe(200);
  expectValid(spec.Model, both.body);
  expect(both.body).toMatchObject({ id: model, owner: 'acme', name: 'tiny-chat' });
  const replicate = new Replicate({ auth: 'unused', baseUrl: `${server.url}/v1` });
  const viaReplicate = await replicate.models.get('acme', 'tiny-chat');
  expect(viaReplicate).toMatchObject({ owner: 'acme', name: 'tiny-chat', visibility: 'private' });
  expect(viaReplicate.latest_version?.openapi_schema).toMatchObject({ openapi: '3.0.2' });
});

test("an unknown model is a 404 in OpenAI's error shape, with or without a slash", async () => {
  const error = await client.models.retrieve('gpt-4o').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  for (const path of ['/v1/models/gpt-4o', '/v1/models/acme/other', '/v1/models/acme%2Fother']) {
    const { status, body } = await raw('GET', path);
    expect(status).toBe(404);
    expectValid(spec.ErrorResponse, body);
  }
  // The unencoded form is Replicate's path too: its shape rides along.
  expect((await raw('GET', '/v1/models/acme/other')).body).toMatchObject({
    detail: expect.stringContaining('acme/other'),
    status: 404,
  });
});

test.each([
  ['POST', '/v1/embeddings'],
  ['GET', '/v1/files'],
  ['POST', '/v1/responses'],
  ['GET', '/v1/nope/deeper/still'],
  ['DELETE', `/v1/models/${model}`],
  ['POST', '/v1/models'],
  ['GET', '/v1'],
])("unknown OpenAI route %s %s: 404 in OpenAI's error shape", async (method, path) => {
  const { status, body } = await raw(method, path, method === 'GET' ? undefined : {});
  expect(status).toBe(404);
  expectValid(spec.ErrorResponse, body);
});

test("the SDK reads an unknown route's error as an OpenAI error", async () => {
  const error = await client.embeddings.create({ model, input: 'x' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  expect((error as Error).message).toMatch(/no route POST \/v1\/embeddings/);
});

test.each([
  ['GET', '/v1/predictions/abc/nope'],
  ['GET', '/v1/deployments/acme/tiny'],
  ['GET', '/v1/models/acme/tiny-chat/versions'],
  ['GET', '/v1/trainings'],
  ['GET', '/v1/webhooks/default'],
])("unknown Replicate route %s %s: 404 in Replicate's shape", async (method, path) => {
  const { status, body } = await raw(method, path);
  expect(status).toBe(404);
  expect(body).toMatchObject({ detail: expect.any(String), status: 404 });
  expect(body.error).toBeUndefined();
});

test('too many stop sequences: the message says the limit', async () => {
  const stop = Array.from({ length: 17 }, (_, i) => `s${i}`);
  const error = await client.chat.completions
    .create({ ...chat, messages: [{ role: 'user', content: 'x' }], stop })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  expect((error as Error).message).toMatch(/stop: at most 16 stop sequences/);
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('stop');
  const tooManyPrompts = await raw('POST', '/v1/completions', {
    model,
    prompt: ['a', 'b', 'c', 'd', 'e'],
    max_tokens: 1,
  });
  expect((tooManyPrompts.body.error as { message: string }).message).toMatch(
    /prompt: at most 4 prompts/,
  );
  const wrongType = await raw('POST', '/v1/chat/completions', { ...chat, stop: 5 });
  expect((wrongType.body.error as { message: string }).message).toBe(
    'stop: Invalid input: expected string or array',
  );
});
