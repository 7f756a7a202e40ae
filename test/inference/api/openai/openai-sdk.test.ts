import OpenAI from 'openai';
import type { RunningServer } from '../../../../inference/src/server';
import { serverEngine } from '../../../helpers/engines';
import { startTestServer } from '../../../helpers/server';

let server: RunningServer;
let client: OpenAI;
const model = 'tiny';
const user = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  server = await startTestServer({ MAX_CONCURRENT: '2' });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => server.close());

test('lists the served model, with its engine and context length', async () => {
  const models = await client.models.list();
  expect(models.data.map((m) => m.id)).toEqual([model]);
  expect(models.data[0]).toMatchObject({
    max_model_len: 512,
    llm_deploy: { engine: serverEngine(), device: 'cpu', dtype: 'fp32' },
  });
});

test('chat completion: one choice, usage adds up, finish_reason length at max_tokens', async () => {
  const res = await client.chat.completions.create({
    model,
    messages: user('Hello'),
    max_tokens: 6,
    temperature: 0,
  });
  expect(res.id).toMatch(/^chatcmpl-/);
  expect(res.object).toBe('chat.completion');
  expect(res.choices).toHaveLength(1);
  expect(res.choices[0].message.role).toBe('assistant');
  expect(res.choices[0].message.content?.length).toBeGreaterThan(0);
  expect(res.choices[0].finish_reason).toBe('length');
  expect(res.usage?.completion_tokens).toBe(6);
  expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + 6);
});

test('streamed chat equals the same request unstreamed, role first, usage last', async () => {
  const params = {
    model,
    messages: user('Tell me a story'),
    max_tokens: 12,
    temperature: 0.8,
    seed: 7,
  };
  const whole = await client.chat.completions.create(params);
  const chunks = [];
  for await (const chunk of await client.chat.completions.create({
    ...params,
    stream: true,
    stream_options: { include_usage: true },
  })) {
    chunks.push(chunk);
  }
  expect(chunks[0].choices[0].delta.role).toBe('assistant');
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  expect(text).toBe(whole.choices[0].message.content);
  const last = chunks[chunks.length - 1];
  expect(last.choices).toEqual([]);
  expect(last.usage).toEqual(whole.usage);
  expect(
    chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0].finish_reason),
  ).toEqual(['length']);
});

test('completions, streamed and not, with the same seed give the same text', async () => {
  const params = { model, prompt: 'Once upon a time', max_tokens: 10, temperature: 1, seed: 11 };
  const whole = await client.completions.create(params);
  expect(whole.object).toBe('text_completion');
  let streamed = '';
  for await (const chunk of await client.completions.create({ ...params, stream: true }))
    streamed += chunk.choices[0]?.text ?? '';
  expect(streamed).toBe(whole.choices[0].text);
});

test('seed: same seed same text, another seed another text', async () => {
  const run = (seed: number) =>
    client.completions
      .create({ model, prompt: 'The weather today', max_tokens: 16, temperature: 1, seed })
      .then((r) => r.choices[0].text);
  const [a, b, c] = [await run(42), await run(42), await run(43)];
  expect(a).toBe(b);
  expect(c).not.toBe(a);
});

test('stop: the text ends before the stop sequence, finish_reason stop', async () => {
  const base = { model, prompt: 'Dime un producto de limpieza', max_tokens: 30, temperature: 0 };
  const full = (await client.completions.create(base)).choices[0].text;
  const stop = full.slice(10, 14);
  const cut = full.slice(0, full.indexOf(stop));
  const stopped = await client.completions.create({ ...base, stop: [stop, 'never-appears'] });
  expect(stopped.choices[0].text).toBe(cut);
  expect(stopped.choices[0].finish_reason).toBe('stop');
  const asString = await client.completions.create({ ...base, stop });
  expect(asString.choices[0].text).toBe(cut);
});

test('n: several distinct choices with their own indices; prompt tokens counted once', async () => {
  const one = await client.chat.completions.create({
    model,
    messages: user('Pick a colour'),
    max_tokens: 5,
    seed: 1,
  });
  const res = await client.chat.completions.create({
    model,
    messages: user('Pick a colour'),
    max_tokens: 5,
    n: 3,
    seed: 1,
  });
  expect(res.choices.map((c) => c.index).sort()).toEqual([0, 1, 2]);
  expect(new Set(res.choices.map((c) => c.message.content)).size).toBeGreaterThan(1);
  expect(res.usage?.prompt_tokens).toBe(one.usage?.prompt_tokens);
  expect(res.usage?.completion_tokens).toBe(15);
});

test('errors come back in OpenAI shape: unknown model 404, wrong type 400 naming the parameter', async () => {
  await expect(
    client.chat.completions.create({ model: 'gpt-4', messages: user('x') }),
  ).rejects.toMatchObject({
    status: 404,
    code: 'model_not_found',
    param: 'model',
  });
  const wrongType = client.chat.completions.create({
    model,
    messages: user('x'),
    temperature: 'hot' as unknown as number,
  });
  await expect(wrongType).rejects.toMatchObject({
    status: 400,
    type: 'invalid_request_error',
    param: 'temperature',
  });
  const tooMany = client.chat.completions.create({ model, messages: user('x'), n: 99 });
  await expect(tooMany).rejects.toMatchObject({ status: 400, param: 'n' });
});

test('a streamed response reaches the client well before generation ends', async () => {
  const started = performance.now();
  let firstContentAt = 0;
  let count = 0;
  const stream = await client.completions.create({
    model,
    prompt: 'A long story:',
    max_tokens: 300,
    temperature: 0,
    stream: true,
  });
  for await (const chunk of stream) {
    if (chunk.choices[0]?.text && firstContentAt === 0) firstContentAt = performance.now();
    count++;
  }
  const doneAt = performance.now();
  expect(count).toBeGreaterThan(100);
  // The first token arrives in the first half of the generation, not all at once at the end.
  expect(firstContentAt - started).toBeLessThan((doneAt - started) / 2);
});
