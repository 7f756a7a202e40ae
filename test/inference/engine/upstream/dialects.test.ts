import OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { RunningServer } from '../../../../inference/src/server';
import {
  countingCompletion,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../helpers/fake-upstream';
import { startGateway } from '../../../helpers/upstream-server';

/**
 * What the gateway sends each kind of engine, seen from the engine (a fake that records its
 * requests and counts whitespace-separated words as tokens).
 */

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function setUp(
  options: Parameters<typeof startFakeUpstream>[0],
  env: Record<string, string> = {},
): Promise<{ fake: FakeUpstream; gateway: RunningServer; client: OpenAI }> {
  const fake = await startFakeUpstream(options);
  opened.push(fake);
  const gateway = await startGateway(fake.url, { UPSTREAM_MODEL: 'fake', ...env });
  opened.push(gateway);
  expect(gateway.lifecycle.ready).toBe(true);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  return { fake, gateway, client };
}

const lastGeneration = (fake: FakeUpstream) => fake.generations().at(-1)?.body ?? {};

test('vLLM dialect: prompts counted by /tokenize, context and prompt cap enforced before sending', async () => {
  const { fake, client } = await setUp({ contextLength: 20 }, { MAX_PROMPT_TOKENS: '8' });
  const sent = fake.generations().length;
  await expect(
    client.completions.create({
      model: 'fake',
      prompt: 'one two three four five six seven eight nine',
    }),
  ).rejects.toMatchObject({ status: 400, param: 'prompt' });
  await expect(
    client.completions.create({ model: 'fake', prompt: 'one two', max_tokens: 19 }),
  ).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
  expect(fake.generations()).toHaveLength(sent);
  // No max_tokens: the rest of the context, as the ONNX engine fills it.
  const filled = await client.completions.create({ model: 'fake', prompt: 'one two' });
  expect(lastGeneration(fake).max_tokens).toBe(18);
  expect(filled.usage?.completion_tokens).toBe(18);
});

test('sampling: seeds and n keep their meaning, parameters at their defaults stay unsent', async () => {
  const { fake, client } = await setUp({});
  await client.completions.create({ model: 'fake', prompt: 'hi', max_tokens: 2, n: 3, seed: 5 });
  const bodies = fake
    .generations()
    .slice(-3)
    .map((r) => r.body);
  expect(bodies.map((b) => b.seed).sort()).toEqual([5, 6, 7]);
  for (const body of bodies) {
    expect(body).toMatchObject({ n: 1, stream: true, stream_options: { include_usage: true } });
    expect(body).not.toHaveProperty('top_k');
    expect(body).not.toHaveProperty('repetition_penalty');
  }
  await client.completions.create({
    model: 'fake',
    prompt: 'hi',
    max_tokens: 2,
    // @ts-expect-error vLLM's extensions, which our endpoint accepts at the top level
    top_k: 7,
    repetition_penalty: 1.3,
  });
  expect(lastGeneration(fake)).toMatchObject({ top_k: 7, repetition_penalty: 1.3 });
});

test('stop sequences: the engine gets four, all are enforced on the text, and reaching one cancels it', async () => {
  const { fake, client } = await setUp({
    completion: (request, stream, response) => {
      // The gateway's warm-up (two tokens) ends normally.
      if (request.body.max_tokens === 2) return countingCompletion(request, stream, response);
      // Then text, held open, as an engine still generating would be.
      for (let i = 0; i < 40; i++) stream.text(` w${i}`);
    },
  });
  const aborted = fake.waitForAbort();
  const stop = ['zz1', 'zz2', 'zz3', 'zz4', ' w3'];
  const res = await client.completions.create({
    model: 'fake',
    prompt: 'hi',
    max_tokens: 40,
    stop,
  });
  expect(res.choices[0].text).toBe(' w0 w1 w2');
  expect(res.choices[0].finish_reason).toBe('stop');
  expect(lastGeneration(fake).stop).toEqual(stop.slice(0, 4));
  expect((await aborted).aborted).toBe(true);
});

test('llama.cpp dialect: /tokenize {content}, /apply-template for chats, context from /props, its sampling names', async () => {
  const { fake, client } = await setUp(
    { tokenizer: 'llama.cpp', contextLength: 30 },
    { MAX_PROMPT_TOKENS: '10' },
  );
  await expect(
    client.completions.create({ model: 'fake', prompt: 'a b c d e f g h i j k l' }),
  ).rejects.toMatchObject({ status: 400, param: 'prompt' });
  await expect(
    client.completions.create({ model: 'fake', prompt: 'a b', max_tokens: 29 }),
  ).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
  await client.completions.create({ model: 'fake', prompt: 'a b', max_tokens: 3, temperature: 0 });
  // llama.cpp samples with top_k 40 and repeat_penalty 1.1 unless told: ours are sent.
  expect(lastGeneration(fake)).toMatchObject({ top_k: 0, repeat_penalty: 1, max_tokens: 3 });
  const chat = await client.chat.completions.create({
    model: 'fake',
    messages: [{ role: 'user', content: 'hello there' }],
  });
  expect(chat.choices[0].message.content).toMatch(/^ w0/);
  const paths = fake.requests.map((r) => r.path);
  expect(paths).toContain('/apply-template');
  // The templated prompt "<chat> hello there <reply>" is 4 words: the rest of the 30 is asked for.
  expect(lastGeneration(fake)).toMatchObject({ max_tokens: 26 });
  expect(fake.generations().at(-1)?.path).toBe('/v1/chat/completions');
});

test('an engine without a tokenizer route: prompts pass uncounted, max_tokens defaults to MAX_NEW_TOKENS', async () => {
  const { fake, gateway, client } = await setUp({ tokenizer: 'none' }, { MAX_NEW_TOKENS: '12' });
  const res = await client.completions.create({ model: 'fake', prompt: 'a b c' });
  expect(lastGeneration(fake).max_tokens).toBe(12);
  // Usage is the engine's (the fake reports one prompt token).
  expect(res.usage).toEqual({ prompt_tokens: 1, completion_tokens: 12, total_tokens: 13 });
  const tokenize = await fetch(`${gateway.url}/tokenize`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a b c' }),
  });
  expect(tokenize.status).toBe(404);
});

test('a vLLM engine without a chat template: chats go to /v1/completions as our transcript', async () => {
  const { fake, client } = await setUp({ chatTemplate: false });
  const chat = await client.chat.completions.create({
    model: 'fake',
    messages: [{ role: 'user', content: 'Hi' }],
    max_tokens: 2,
  });
  expect(chat.choices[0].message.content).toBe(' w0 w1');
  const sent = fake.generations().at(-1);
  expect(sent?.path).toBe('/v1/completions');
  expect(sent?.body.prompt).toBe('User: Hi\nAssistant:');
});

test("the engine's metrics are served after ours, so one scrape of the gateway sees both", async () => {
  const { gateway } = await setUp({});
  const text = await (await fetch(`${gateway.metricsUrl}/metrics`)).text();
  const families = parsePrometheusTextFormat(text) as {
    name: string;
    metrics: { value: string }[];
  }[];
  const names = families.map((f) => f.name);
  expect(names).toContain('llm_requests_waiting');
  expect(families.find((f) => f.name === 'vllm:num_requests_waiting')?.metrics[0].value).toBe(
    '3.0',
  );
  expect(new Set(names).size).toBe(names.length);
});
