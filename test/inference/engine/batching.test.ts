import { PreTrainedModel, type Tensor } from '@huggingface/transformers';
import { TransformersBackend, type GenerationRequest } from '../../../inference/src/engine';
import { seededRandom } from '../../../inference/src/engine/sampling';
import { tempDir } from '../../helpers/temp-dir';
import { collect, TINY_MODEL, textRequest, type Generation } from '../../helpers/engine';

jest.setTimeout(300_000);

/** Short chunks, so prompts of a few dozen tokens are read in several passes between steps. */
const BATCHING = { maxBatch: 8, kvCacheBytes: 64 * 1024 * 1024, prefillChunkTokens: 16 };
const WORDS = 'the a river stone of light under red old city song wind over and bright sea'.split(
  ' ',
);

const loadTiny = (batching: typeof BATCHING & { batchWaitMs?: number }) =>
  TransformersBackend.load({
    model: TINY_MODEL,
    device: 'cpu',
    dtype: 'fp32',
    hub: { endpoint: 'http://127.0.0.1:9', cacheDir: tempDir('cache'), offline: true },
    batching,
  });

let backend: TransformersBackend;
beforeAll(async () => {
  backend = await loadTiny(BATCHING);
});
afterAll(() => backend.dispose());

/** A mix member: the request, when it arrives, and (for some) after how many deltas it is aborted. */
interface Member {
  request: GenerationRequest;
  delayMs: number;
  abortAfterDeltas?: number;
}

function randomMix(random: () => number, size: number): Member[] {
  const pick = (n: number) => Math.floor(random() * n);
  return Array.from({ length: size }, () => {
    const words = Array.from({ length: 1 + pick(60) }, () => WORDS[pick(WORDS.length)]);
    return {
      request: textRequest(words.join(' '), { maxNewTokens: 1 + pick(40) }),
      delayMs: pick(4) === 0 ? 0 : pick(120),
      abortAfterDeltas: pick(5) === 0 ? 1 + pick(8) : undefined,
    };
  });
}

/** Runs one request, aborting it after `abortAfterDeltas` deltas if given. */
async function run(request: GenerationRequest, abortAfterDeltas?: number): Promise<Generation> {
  const controller = new AbortController();
  const prepared = backend.prepare({ ...request, signal: controller.signal });
  let deltas = 0;
  return collect(
    (async function* () {
      for await (const event of backend.generate(prepared)) {
        if (event.type === 'text' && ++deltas === abortAfterDeltas) controller.abort();
        yield event;
      }
    })(),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything the solo run's result says, for a stop picked from its own text. */
function withStopFromSolo(member: Member, solo: Generation, random: () => number): Member {
  if (solo.text.length < 6 || random() < 0.6) return member;
  const at = 2 + Math.floor(random() * (solo.text.length - 4));
  return { ...member, request: { ...member.request, stop: [solo.text.slice(at, at + 2)] } };
}

describe('batched generations equal the same requests run alone', () => {
  test('greedy: identical text, finish reason and usage over random mixes (prompt lengths, max_tokens, stops, aborts, arrival times)', async () => {
    const random = seededRandom(2024);
    let compared = 0;
    let batchedPasses = 0;
    const forward = jest.spyOn(PreTrainedModel.prototype, 'forward');
    try {
      for (let round = 0; round < 5; round++) {
        let mix = randomMix(random, 8 + Math.floor(random() * 8));
        const firstSolos: Generation[] = [];
        for (const m of mix) firstSolos.push(await run(m.request));
        mix = mix.map((m, i) => withStopFromSolo(m, firstSolos[i], random));
        const solos: Generation[] = [];
        for (const m of mix) solos.push(await run(m.request));
        forward.mockClear();
        const batched = await Promise.all(
          mix.map(async (m) => {
            await sleep(m.delayMs);
            return run(m.request, m.abortAfterDeltas);
          }),
        );
        batchedPasses += forward.mock.calls.filter(
          ([inputs]) => (inputs as { input_ids: Tensor }).input_ids.dims[0] > 1,
        ).length;
        mix.forEach((m, i) => {
          const [solo, got] = [solos[i], batched[i]];
          if (m.abortAfterDeltas !== undefined && got.reason === 'abort') {
            expect(solo.text.startsWith(got.text)).toBe(true);
            expect(got.deltas.length).toBe(m.abortAfterDeltas);
          } else {
            expect({ text: got.text, reason: got.reason, usage: got.usage }).toEqual({
              text: solo.text,
              reason: solo.reason,
              usage: solo.usage,
            });
            compared++;
          }
        });
      }
    } finally {
      forward.mockRestore();
    }
    expect(compared).toBeGreaterThan(35);
    // The mixes really ran together, not one after another.
    expect(batchedPasses).toBeGreaterThan(50);
  });

  test('seeded sampling: the same seed gives the same text alone and in batches of different company', async () => {
    const sampled = (text: string, seed: number) =>
      textRequest(text, { temperature: 1, topP: 0.9, topK: 40, maxNewTokens: 20, seed });
    const target = sampled('Once upon a time', 99);
    const alone = await run(target);
    for (const company of [1, 3, 7]) {
      const others = Array.from({ length: company }, (_, i) =>
        run(sampled(`${'other words '.repeat(i + 1)}here`, i)),
      );
      const [inBatch] = await Promise.all([run(target), ...others]);
      expect(inBatch.text).toBe(alone.text);
    }
  });
});

interface PassRecorder {
  /** The [rows, tokens] of each pass's input_ids. */
  shapes: number[][];
  sizes: number[];
  /** Each pass's outputs (logits, present.*). */
  outputs: Record<string, Tensor>[];
  stop: () => void;
}

/** Every forward pass from now on: its input shape and its outputs. */
function recordPasses(): PassRecorder {
  const shapes: number[][] = [];
  const outputs: Record<string, Tensor>[] = [];
  const forward = PreTrainedModel.prototype.forward;
  PreTrainedModel.prototype.forward = async function (this: PreTrainedModel, inputs) {
    shapes.push([...(inputs as { input_ids: Tensor }).input_ids.dims]);
    const result = (await forward.call(this, inputs)) as Record<string, Tensor>;
    outputs.push(result);
    return result;
  };
  return {
    shapes,
    outputs,
    get sizes() {
      return shapes.map(([rows]) => rows);
    },
    stop: () => void (PreTrainedModel.prototype.forward = forward),
  };
}

describe('prompts are read between decode steps', () => {
  test('requests that arrive while none decodes are read in one pass and decode in step to their end', async () => {
    const recorder = recordPasses();
    try {
      const prompts = Array.from({ length: 8 }, (_, i) => `${WORDS[i]} ${WORDS[i + 1]} bright sea`);
      const results = await Promise.all(
        prompts.map((p) => run(textRequest(p, { maxNewTokens: 12 }))),
      );
      const lengths = results.map((r) => r.usage.completionTokens);
      expect(lengths).toEqual(new Array(8).fill(12));
      // 8 prompts of 4 tokens: 32 tokens, above the 16-token chunk, and still one pass.
      expect(recorder.shapes[0][0]).toBe(8);
      expect(recorder.sizes).toEqual(new Array(12).fill(8));
    } finally {
      recorder.stop();
    }
  });

  test('a long prompt that arrives while others decode is read in chunks, a decode step between two', async () => {
    const recorder = recordPasses();
    try {
      const streams = [0, 1, 2].map((i) =>
        run(textRequest(`${WORDS[i]} river`, { maxNewTokens: 40 })),
      );
      await sleep(50);
      const long = run(
        textRequest(WORDS.concat(WORDS, WORDS, WORDS).join(' '), { maxNewTokens: 2 }),
      );
      const results = await Promise.all([...streams, long]);
      expect(results.slice(0, 3).map((r) => r.usage.completionTokens)).toEqual([40, 40, 40]);
      const prompt = results[3].usage.promptTokens;
      expect(prompt).toBeGreaterThan(3 * 16);
      const chunks = recorder.shapes
        .map(([rows, tokens], i) => ({ rows, tokens, i }))
        .filter((s) => s.tokens > 1 && s.rows === 1);
      expect(chunks.map((c) => c.tokens).reduce((a, b) => a + b, 0)).toBe(prompt);
      expect(Math.max(...chunks.map((c) => c.tokens))).toBeLessThanOrEqual(16);
      // Between two chunks the running streams took a step (a pass of 3 or more one-token rows).
      for (const [a, b] of chunks.slice(1).map((c, k) => [chunks[k], c]))
        expect(recorder.shapes.slice(a.i + 1, b.i).some(([rows, t]) => rows >= 3 && t === 1)).toBe(
          true,
        );
    } finally {
      recorder.stop();
    }
  });
});

describe('a burst of requests that reaches an idle engine', () => {
  let waiting: TransformersBackend;
  beforeAll(async () => {
    waiting = await loadTiny({ ...BATCHING, batchWaitMs: 500 });
  });
  afterAll(() => waiting.dispose());

  const arriving = (count: number, gapMs: number) =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        if (i > 0) await sleep(i * gapMs);
        const prepared = waiting.prepare(textRequest(`${WORDS[i]} sea`, { maxNewTokens: 4 }));
        return collect(waiting.generate(prepared));
      }),
    );

  test('is read in one pass when its requests arrive a millisecond apart', async () => {
    const recorder = recordPasses();
    try {
      const results = await arriving(8, 1);
      expect(results.map((r) => r.usage.completionTokens)).toEqual(new Array(8).fill(4));
      expect(recorder.shapes[0][0]).toBe(8);
    } finally {
      recorder.stop();
    }
  });

  test('a lone request is not held for the whole window', async () => {
    const started = performance.now();
    const prepared = waiting.prepare(textRequest('river', { maxNewTokens: 1 }));
    const result = await collect(waiting.generate(prepared));
    expect(result.usage.completionTokens).toBe(1);
    // The window is 500 ms; a request with none behind it waits one quiet gap (2 ms), not that.
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('the batch frees its memory as it goes', () => {
  test("each pass's logits are freed before the next pass, and every cache by the end, without a garbage collection", async () => {
    const recorder = recordPasses();
    const freed = (t: Tensor) => ((t.data as Float32Array).buffer as ArrayBuffer).detached;
    // When each pass starts: whether the logits of every pass before it are already freed.
    const logitsFreedBefore: boolean[] = [];
    const forward = PreTrainedModel.prototype.forward;
    PreTrainedModel.prototype.forward = async function (this: PreTrainedModel, inputs) {
      logitsFreedBefore.push(recorder.outputs.every((o) => freed(o.logits)));
      return forward.call(this, inputs);
    };
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          run(
            textRequest(`${WORDS[i]} ${WORDS[i + 2]} river`, { maxNewTokens: 5 + 3 * i }),
            i === 2 ? 2 : undefined,
          ),
        ),
      );
      expect(results.map((r) => r.reason === 'abort')).toEqual([
        false,
        false,
        true,
        false,
        false,
        false,
      ]);
      expect(recorder.outputs.length).toBeGreaterThan(10);
      expect(logitsFreedBefore).toEqual(new Array(recorder.outputs.length).fill(true));
      const live = recorder.outputs.flatMap((o) => Object.values(o)).filter((t) => !freed(t));
      expect(live).toHaveLength(0);
    } finally {
      PreTrainedModel.prototype.forward = forward;
      recorder.stop();
    }
  });
});

describe('rows leave the batch', () => {
  const recordBatchSizes = recordPasses;

  test.each(['abort', 'disconnect'] as const)(
    'a %s frees its row at the next step; the others go on to their end',
    async (how) => {
      const recorder = recordBatchSizes();
      try {
        const long = (text: string) => textRequest(text, { maxNewTokens: 40 });
        const controller = new AbortController();
        let sizesAtLeave = -1;
        const leaving = (async () => {
          const prepared = backend.prepare({
            ...long('the leaving one'),
            signal: controller.signal,
          });
          let deltas = 0;
          for await (const event of backend.generate(prepared)) {
            if (event.type === 'text' && ++deltas === 5) {
              sizesAtLeave = recorder.sizes.length;
              if (how === 'abort') controller.abort();
              else break; // the consumer stops reading, as a closed HTTP response does
            }
          }
        })();
        const stayers = [run(long('one of those who stay')), run(long('another who stays'))];
        await leaving;
        const results = await Promise.all(stayers);
        expect(results.map((r) => r.usage.completionTokens)).toEqual([40, 40]);
        expect(recorder.sizes[sizesAtLeave - 1]).toBe(3);
        expect(recorder.sizes[sizesAtLeave]).toBe(2);
        expect(backend.status()).toMatchObject({ batchSize: 0, kvCacheUsage: 0 });
      } finally {
        recorder.stop();
      }
    },
  );
});
