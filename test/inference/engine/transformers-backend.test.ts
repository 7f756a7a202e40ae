import { AutoModelForCausalLM, Tensor } from '@huggingface/transformers';
import type { TransformersBackend } from '../../../inference/src/engine';
import { ValidationError } from '../../../inference/src/errors';
import {
  TINY_MODEL,
  copyTinyModel,
  generate,
  loadLocalModel,
  loadTokenizer,
  recordSampledTokens,
  textRequest,
  type TestTokenizer,
} from '../../helpers/engine';

const PROMPT = 'The quick brown fox jumps over the lazy dog. Then';

let backend: TransformersBackend;
let tokenizer: TestTokenizer;

beforeAll(async () => {
  backend = await loadLocalModel();
  tokenizer = await loadTokenizer();
});
afterAll(() => backend.dispose());

describe('greedy decoding', () => {
  test('is deterministic', async () => {
    const first = await generate(backend, textRequest(PROMPT, { maxNewTokens: 24 }));
    const second = await generate(backend, textRequest(PROMPT, { maxNewTokens: 24 }));
    expect(first.text.length).toBeGreaterThan(0);
    expect(second.text).toBe(first.text);
    expect(second.deltas).toEqual(first.deltas);
  });

  test('picks the same tokens as transformers.js generate()', async () => {
    const recorder = recordSampledTokens();
    try {
      await generate(backend, textRequest(PROMPT, { maxNewTokens: 20 }));
      const promptIds = tokenizer.encode(PROMPT);
      const model = await AutoModelForCausalLM.from_pretrained(TINY_MODEL, { dtype: 'fp32' });
      const ids = new Tensor('int64', BigInt64Array.from(promptIds, BigInt), [1, promptIds.length]);
      const mask = new Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), ids.dims);
      const sequences = (await model.generate({
        input_ids: ids,
        attention_mask: mask,
        max_new_tokens: 20,
        do_sample: false,
      })) as Tensor;
      const bare = Array.from(sequences.data as BigInt64Array, Number).slice(promptIds.length);
      await model.dispose();
      expect(recorder.ids()).toEqual(bare);
    } finally {
      recorder.stop();
    }
  });
});

describe('seeded sampling', () => {
  const sampled = (seed: number) =>
    generate(backend, textRequest(PROMPT, { temperature: 1, maxNewTokens: 24, seed }));

  test('the same seed gives the same text', async () => {
    const [a, b] = [await sampled(7), await sampled(7)];
    expect(a.text.length).toBeGreaterThan(0);
    expect(b.text).toBe(a.text);
  });

  test('different seeds give different texts', async () => {
    const texts = new Set<string>();
    for (const seed of [1, 2, 3]) texts.add((await sampled(seed)).text);
    expect(texts.size).toBe(3);
  });

  test('no seed draws a random one', async () => {
    const request = () => textRequest(PROMPT, { temperature: 1, maxNewTokens: 24 });
    const a = await generate(backend, request());
    const b = await generate(backend, request());
    expect(b.text).not.toBe(a.text);
  });
});

test('the deltas concatenate to the decoded text of exactly the generated tokens', async () => {
  // Sampling at a high temperature from random weights draws odd tokens: partial UTF-8
  // characters, CJK, stray bytes; the streamed text must still equal a one-shot decode.
  for (const seed of [1, 2, 3, 4]) {
    const recorder = recordSampledTokens();
    try {
      const result = await generate(
        backend,
        textRequest(PROMPT, { temperature: 1.5, maxNewTokens: 48, seed }),
      );
      const ids = recorder.ids();
      expect(ids).toHaveLength(result.usage.completionTokens);
      expect(result.text).toBe(tokenizer.decode(ids, { skip_special_tokens: true }));
      expect(result.deltas.every((d) => d.length > 0)).toBe(true);
    } finally {
      recorder.stop();
    }
  }
});

describe('length and usage', () => {
  test('max_new_tokens ends with reason length after exactly that many tokens', async () => {
    for (const maxNewTokens of [1, 5, 17]) {
      const result = await generate(backend, textRequest(PROMPT, { maxNewTokens }));
      expect(result.reason).toBe('length');
      expect(result.usage.completionTokens).toBe(maxNewTokens);
    }
  });

  test('exactly one finish event, last', async () => {
    const result = await generate(backend, textRequest(PROMPT, { maxNewTokens: 6 }));
    expect(result.events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  test('promptTokens is the tokenizer count of the prompt', async () => {
    for (const text of ['Hi', PROMPT, 'Dime un producto de limpieza que blanquee la ropa 🧺']) {
      const result = await generate(backend, textRequest(text, { maxNewTokens: 2 }));
      expect(result.usage.promptTokens).toBe(tokenizer.encode(text).length);
      expect(backend.prepare(textRequest(text)).promptIds).toEqual(tokenizer.encode(text));
    }
  });
});

describe('chat prompts', () => {
  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Name a colour.' },
  ];
  const chat = { kind: 'chat' as const, messages };

  test("the tiny model's own template renders the conversation", () => {
    expect(backend.info.hasChatTemplate).toBe(true);
    const rendered = '<|system|>\nYou are terse.\n<|user|>\nName a colour.\n<|assistant|>\n';
    const { promptIds } = backend.prepare(textRequest('', { prompt: chat }));
    expect(promptIds).toEqual(tokenizer.encode(rendered, { add_special_tokens: false }));
  });

  test('a model without a chat template gets the plain transcript', async () => {
    const folder = copyTinyModel((config) => delete config.chat_template);
    const plain = await loadLocalModel(folder);
    try {
      expect(plain.info.hasChatTemplate).toBe(false);
      const transcript = 'System: You are terse.\nUser: Name a colour.\nAssistant:';
      const { promptIds } = plain.prepare(textRequest('', { prompt: chat }));
      expect(promptIds).toEqual(tokenizer.encode(transcript, { add_special_tokens: false }));
      const result = await generate(plain, textRequest('', { prompt: chat, maxNewTokens: 3 }));
      expect(result.usage).toEqual({ promptTokens: promptIds.length, completionTokens: 3 });
    } finally {
      await plain.dispose();
    }
  });
});

describe('validation', () => {
  test('a prompt plus max_new_tokens beyond the context is a ValidationError naming both', () => {
    const promptTokens = tokenizer.encode(PROMPT).length;
    const limit = backend.info.maxPositions;
    expect(limit).toBe(512);
    expect(() =>
      backend.prepare(textRequest(PROMPT, { maxNewTokens: limit - promptTokens })),
    ).not.toThrow();
    const tooMany = limit - promptTokens + 1;
    let error: unknown;
    try {
      backend.prepare(textRequest(PROMPT, { maxNewTokens: tooMany }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).param).toBe('max_tokens');
    expect((error as Error).message).toContain(`context is ${limit} tokens`);
    expect((error as Error).message).toContain(`prompt has ${promptTokens}`);
    expect((error as Error).message).toContain(`asks for ${tooMany}`);
  });

  test('a prompt that alone fills the context is a ValidationError naming the prompt', () => {
    const long = 'word '.repeat(backend.info.maxPositions);
    expect(() => backend.prepare(textRequest(long, { maxNewTokens: 1 }))).toThrow(
      expect.objectContaining({
        param: 'prompt',
        message: expect.stringContaining('shorten the prompt'),
      }),
    );
  });

  test('no max_new_tokens fills the rest of the context', () => {
    const promptTokens = tokenizer.encode(PROMPT).length;
    const prepared = backend.prepare(textRequest(PROMPT, { maxNewTokens: undefined }));
    expect(prepared.request.maxNewTokens).toBe(backend.info.maxPositions - promptTokens);
  });

  test('an empty prompt is a ValidationError', () => {
    expect(() => backend.prepare(textRequest(''))).toThrow(ValidationError);
  });
});
