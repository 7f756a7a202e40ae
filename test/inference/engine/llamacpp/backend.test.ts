import {
  TransformersBackend,
  type GenerationEvent,
  type GenerationRequest,
} from '../../../../inference/src/engine';
import {
  LlamaCppBackend,
  type LlamaCppLoadOptions,
} from '../../../../inference/src/engine/llamacpp';
import { importEsm } from '../../../../inference/src/engine/llamacpp/esm-import';
import { ValidationError } from '../../../../inference/src/errors';
import { TINY_GGUF, TINY_MODEL } from '../../../helpers/model-paths';

const HUB = { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent', offline: true };
const OPTIONS: LlamaCppLoadOptions = {
  model: TINY_GGUF,
  revision: 'main',
  gguf: {},
  device: 'cpu',
  hub: HUB,
  sequences: 4,
  threads: 1,
};
const GREEDY = {
  maxNewTokens: 16,
  temperature: 0,
  topP: 1,
  topK: 0,
  repetitionPenalty: 1,
  stop: [],
};
const text = (t: string): GenerationRequest => ({ prompt: { kind: 'text', text: t }, ...GREEDY });

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let backend: LlamaCppBackend;
beforeAll(async () => {
  backend = await LlamaCppBackend.load(OPTIONS);
});
afterAll(() => backend?.dispose());

async function run(request: GenerationRequest, onText?: () => void) {
  const events: GenerationEvent[] = [];
  for await (const event of backend.generate(backend.prepare(request))) {
    events.push(event);
    if (event.type === 'text') onText?.();
  }
  const finish = events.at(-1);
  if (finish?.type !== 'finish') throw new Error('no finish event last');
  const texts = events.filter((e) => e.type === 'text').map((e) => e.text);
  return { text: texts.join(''), texts, reason: finish.reason, usage: finish.usage };
}

test('reports the model: engine, the file type as its quantization, context, chat template', () => {
  expect(backend.info).toMatchObject({
    engine: 'llamacpp',
    device: 'cpu',
    dtype: 'fp32',
    quantization: 'F32',
    maxPositions: 512,
    hasChatTemplate: true,
    source: TINY_GGUF,
  });
});

test("prompts tokenize as on the ONNX engine, chats through the GGUF file's template", async () => {
  const onnx = await TransformersBackend.load({
    model: TINY_MODEL,
    device: 'cpu',
    dtype: 'fp32',
    hub: HUB,
  });
  try {
    const chat: GenerationRequest = {
      ...GREEDY,
      prompt: {
        kind: 'chat',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello, who are you?' },
        ],
      },
    };
    for (const request of [text('The quick brown fox, ünïcödé and 😀 too'), chat]) {
      expect(backend.prepare(request).promptIds).toEqual(onnx.prepare(request).promptIds);
    }
  } finally {
    await onnx.dispose();
  }
});

test.each([
  { request: text(''), param: 'prompt', message: 'the prompt is empty' },
  {
    request: text('word '.repeat(600)),
    param: 'prompt',
    message: "this model's context is 512 tokens and the prompt has 6",
  },
  {
    request: { ...text('Hello'), maxNewTokens: 600 },
    param: 'max_tokens',
    message: 'max_new_tokens asks for 600',
  },
])('prepare checks the context: $message', ({ request, param, message }) => {
  let error: unknown;
  try {
    backend.prepare(request);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toMatchObject({ param, message: expect.stringContaining(message) });
});

test('without max_new_tokens a generation may fill the rest of the context', () => {
  const { promptIds, request } = backend.prepare({ ...text('Hello'), maxNewTokens: undefined });
  expect(promptIds.length + request.maxNewTokens).toBe(512);
});

test('max_new_tokens ends a generation with reason length, every token counted', async () => {
  const result = await run(text('The quick brown fox'));
  expect(result.reason).toBe('length');
  expect(result.usage).toEqual({ promptTokens: 4, completionTokens: 16 });
  expect(result.text.length).toBeGreaterThan(0);
});

test('same seed, same text; another seed, another text', async () => {
  const sampled = (seed: number) => ({
    ...text('Once upon a time'),
    temperature: 1,
    seed,
    maxNewTokens: 12,
  });
  const first = await run(sampled(7));
  expect((await run(sampled(7))).text).toBe(first.text);
  expect((await run(sampled(8))).text).not.toBe(first.text);
});

test('a stop sequence ends the text just before it, never emitting it, reason stop', async () => {
  const whole = (await run(text('The quick brown fox'))).text;
  const stop = whole.slice(8, 12);
  const result = await run({ ...text('The quick brown fox'), stop: [stop] });
  expect(result.reason).toBe('stop');
  expect(result.text).toBe(whole.slice(0, whole.indexOf(stop)));
});

test('an abort ends the generation within one token, reason abort', async () => {
  const controller = new AbortController();
  let textsAfterAbort = -1;
  const result = await run(
    { ...text('The quick brown fox'), maxNewTokens: 200, signal: controller.signal },
    () => {
      if (textsAfterAbort >= 0) textsAfterAbort++;
      else if (!controller.signal.aborted) {
        controller.abort();
        textsAfterAbort = 0;
      }
    },
  );
  expect(result.reason).toBe('abort');
  expect(textsAfterAbort).toBeLessThanOrEqual(1);
  expect(result.usage.completionTokens).toBeLessThanOrEqual(3);
});

/**
 * node-llama-cpp decodes together the sequences that ask for a token in the same event-loop
 * cycle; a sequence that waited on its reader (an HTTP client) would miss the batch.
 */
test('a sequence keeps decoding while its reader is slow, so it stays in the batch', async () => {
  const lib = await importEsm<typeof import('node-llama-cpp')>('node-llama-cpp');
  const evaluate = lib.LlamaContextSequence.prototype.evaluate;
  let tokens = 0;
  lib.LlamaContextSequence.prototype.evaluate = async function* (...args) {
    for await (const token of evaluate.apply(this, args)) {
      tokens++;
      yield token;
    }
  };
  try {
    const events = backend.generate(
      backend.prepare({ ...text('The quick brown fox'), maxNewTokens: 12 }),
    );
    const iterator = events[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'text' });
    // The reader stops reading; the tokens keep coming.
    for (let waited = 0; tokens < 12 && waited < 10_000; waited += 10) await sleep(10);
    expect(tokens).toBe(12);
    let last: GenerationEvent | undefined;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      last = next.value;
    expect(last).toMatchObject({ type: 'finish', usage: { completionTokens: 12 } });
  } finally {
    lib.LlamaContextSequence.prototype.evaluate = evaluate;
  }
});

/**
 * Greedy generations decoded together give the tokens each gives alone. Sampled ones are only
 * reproducible alone: llama.cpp's matrix kernels sum in another order for another batch size, and
 * a last-digit difference in a probability can change a draw many tokens in.
 */
test('concurrent generations decode together; greedy ones give what they give alone', async () => {
  const requests = [
    text('The quick brown fox'),
    text('In 1905, Albert Einstein'),
    text('Hello'),
    { ...text('Once upon a time'), temperature: 0.9, seed: 3 },
  ].map((r) => ({ ...r, maxNewTokens: 24 }));
  const alone: string[] = [];
  for (const request of requests) alone.push((await run(request)).text);
  let largestBatch = 0;
  let largestUsage = 0;
  const together = await Promise.all(
    requests.map((request) =>
      run(request, () => {
        const status = backend.status();
        largestBatch = Math.max(largestBatch, status.batchSize ?? 0);
        largestUsage = Math.max(largestUsage, status.kvCacheUsage ?? 0);
      }),
    ),
  );
  expect(together.slice(0, 3).map((r) => r.text)).toEqual(alone.slice(0, 3));
  expect(together.map((r) => r.usage.completionTokens)).toEqual([24, 24, 24, 24]);
  expect(largestBatch).toBe(4);
  // Four sequences of up to ~30 tokens in 4 x 512 cells.
  expect(largestUsage).toBeGreaterThan(0.01);
  expect(largestUsage).toBeLessThan(0.1);
  expect(backend.status()).toEqual({ available: true, batchSize: 0, kvCacheUsage: 0 });
});

test('a prompt that extends an earlier one reuses its cached prefix and gives the same text', async () => {
  const single = await LlamaCppBackend.load({ ...OPTIONS, sequences: 1 });
  try {
    const generate = async (prompt: string) => {
      let out = '';
      for await (const event of single.generate(single.prepare(text(prompt))))
        if (event.type === 'text') out += event.text;
      return out;
    };
    const longer = 'The quick brown fox jumps over the lazy dog and runs away';
    const fresh = await generate(longer);
    await generate('The quick brown fox jumps over');
    expect(await generate(longer)).toBe(fresh);
    expect(await generate(longer)).toBe(fresh);
  } finally {
    await single.dispose();
  }
});
