import type { RunningServer } from '../../../../inference/src/server';
import { loadTokenizer, type TestTokenizer } from '../../../helpers/engine';
import { startTestServer } from '../../../helpers/server';

/** vLLM's POST /tokenize on our server: the counts a gateway in front of us relies on. */

const KEY = 'tokenize-key-0123456789';
let server: RunningServer;
let tokenizer: TestTokenizer;

beforeAll(async () => {
  server = await startTestServer({ API_KEYS: KEY });
  tokenizer = await loadTokenizer();
});
afterAll(() => server.close());

const tokenize = (body: unknown, key: string | undefined = KEY) =>
  fetch(`${server.url}/tokenize`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });

test('a prompt: the tokenizer ids, their count and the context length, in vLLM shape', async () => {
  const res = await tokenize({ model: 'tiny', prompt: 'Hello there, world' });
  expect(res.status).toBe(200);
  const expected = tokenizer.encode('Hello there, world');
  expect(await res.json()).toEqual({
    count: expected.length,
    max_model_len: server.lifecycle.scheduler?.backend.info.maxPositions,
    tokens: expected,
  });
});

test('messages: counted as the chat is rendered for generation', async () => {
  const res = await tokenize({ messages: [{ role: 'user', content: 'Hi' }] });
  const body = await res.json();
  // The tiny model's template, with the generation prompt, as the engine generates from it.
  expect(body.tokens).toEqual(
    tokenizer.encode('<|user|>\nHi\n<|assistant|>\n', { add_special_tokens: false }),
  );
  expect(body.count).toBe(body.tokens.length);
});

test('behind the API key like every route; bad bodies and unsupported options get 400 naming them', async () => {
  expect((await tokenize({ prompt: 'Hi' }, '')).status).toBe(401);
  const both = await tokenize({ prompt: 'Hi', messages: [{ role: 'user', content: 'Hi' }] });
  expect(both.status).toBe(400);
  expect((await both.json()).error.param).toBe('prompt');
  const strs = await tokenize({ prompt: 'Hi', return_token_strs: true });
  expect((await strs.json()).error.param).toBe('return_token_strs');
  const noGenerationPrompt = await tokenize({
    messages: [{ role: 'user', content: 'Hi' }],
    add_generation_prompt: false,
  });
  expect((await noGenerationPrompt.json()).error.param).toBe('add_generation_prompt');
  const otherModel = await tokenize({ model: 'gpt-4', prompt: 'Hi' });
  expect(otherModel.status).toBe(404);
});
