import { PreTrainedModel } from '@huggingface/transformers';
import type { TransformersBackend } from '../../../inference/src/engine';
import {
  collect,
  generate,
  loadLocalModel,
  loadTokenizer,
  recordSampledTokens,
  textRequest,
  type TestTokenizer,
} from '../../helpers/engine';

const PROMPT = 'Once upon a time, in a small village by the sea,';

let backend: TransformersBackend;
let tokenizer: TestTokenizer;

beforeAll(async () => {
  backend = await loadLocalModel();
  tokenizer = await loadTokenizer();
});
afterAll(() => backend.dispose());

/** A greedy continuation and where each of its tokens ends in the text. */
async function greedyWithBoundaries(maxNewTokens: number) {
  const recorder = recordSampledTokens();
  try {
    const { text } = await generate(backend, textRequest(PROMPT, { maxNewTokens }));
    const ids = recorder.ids();
    const ends = ids.map((_, k) => tokenizer.decode(ids.slice(0, k + 1)).length);
    expect(ends.at(-1)).toBe(text.length);
    return { text, ends };
  } finally {
    recorder.stop();
  }
}

describe('stop sequences', () => {
  test('a stop split across two tokens is caught, and neither it nor anything after is emitted', async () => {
    const { text, ends } = await greedyWithBoundaries(24);
    // Two characters either side of a token boundary, where the first occurrence of that string
    // in the output also straddles a boundary (so no single token ever holds the whole stop).
    let chosen: { stop: string; at: number } | undefined;
    for (const boundary of ends.slice(0, -1)) {
      if (boundary < 2 || boundary + 2 > text.length) continue;
      const stop = text.slice(boundary - 2, boundary + 2);
      const at = text.indexOf(stop);
      if (ends.some((end) => end > at && end < at + stop.length)) {
        chosen = { stop, at };
        break;
      }
    }
    if (!chosen)
      throw new Error(`no token boundary to split a stop across in ${JSON.stringify(text)}`);
    const { stop, at } = chosen;
    const lastTokenOfStop = ends.findIndex((end) => end >= at + stop.length);

    const result = await generate(backend, textRequest(PROMPT, { maxNewTokens: 24, stop: [stop] }));
    expect(result.text).toBe(text.slice(0, at));
    expect(result.reason).toBe('stop');
    expect(result.usage.completionTokens).toBe(lastTokenOfStop + 1);
  });

  test('the earliest of several stops wins', async () => {
    const { text, ends } = await greedyWithBoundaries(16);
    const early = text.slice(ends[1], ends[2]);
    const late = text.slice(ends[4], ends[6]);
    const result = await generate(
      backend,
      textRequest(PROMPT, { maxNewTokens: 16, stop: [late, early] }),
    );
    expect(result.text).toBe(text.slice(0, text.indexOf(early)));
    expect(result.reason).toBe('stop');
  });

  test('a stop that never appears changes nothing, even when its first characters do', async () => {
    const { text } = await greedyWithBoundaries(16);
    const neverSeen = text.slice(-1) + '\u0000';
    const result = await generate(
      backend,
      textRequest(PROMPT, { maxNewTokens: 16, stop: [neverSeen] }),
    );
    expect(result.text).toBe(text);
    expect(result.reason).toBe('length');
  });

  test('a stop at the very start gives empty text', async () => {
    const { text, ends } = await greedyWithBoundaries(4);
    const result = await generate(
      backend,
      textRequest(PROMPT, { maxNewTokens: 4, stop: [text.slice(0, ends[0])] }),
    );
    expect(result).toMatchObject({ text: '', reason: 'stop', usage: { completionTokens: 1 } });
  });
});

describe('abort', () => {
  let forward: jest.SpyInstance;
  beforeEach(() => (forward = jest.spyOn(PreTrainedModel.prototype, 'forward')));
  afterEach(() => forward.mockRestore());

  test('aborted from a timer mid-generation: no forward pass starts after it, at most one token ends', async () => {
    const controller = new AbortController();
    const recorder = recordSampledTokens();
    try {
      let atAbort: { forwards: number; tokens: number } | undefined;
      let deltas = 0;
      const events = backend.generate(
        backend.prepare(textRequest(PROMPT, { maxNewTokens: 200, signal: controller.signal })),
      );
      const result = await collect(
        (async function* () {
          for await (const event of events) {
            if (event.type === 'text' && ++deltas === 3) {
              // Fires while the loop is inside a forward pass (onnxruntime runs off the main thread).
              setTimeout(() => {
                atAbort = { forwards: forward.mock.calls.length, tokens: recorder.ids().length };
                controller.abort();
              }, 0);
            }
            yield event;
          }
        })(),
      );
      expect(result.reason).toBe('abort');
      expect(atAbort).toBeDefined();
      expect(forward.mock.calls.length).toBe(atAbort!.forwards);
      expect(result.usage.completionTokens - atAbort!.tokens).toBeLessThanOrEqual(1);
      expect(result.usage.completionTokens).toBeLessThan(200);
    } finally {
      recorder.stop();
    }
  });

  test('aborted by the consumer between tokens: not one more token', async () => {
    const controller = new AbortController();
    const events = backend.generate(
      backend.prepare(textRequest(PROMPT, { maxNewTokens: 200, signal: controller.signal })),
    );
    let deltas = 0;
    let forwardsAtAbort = 0;
    const result = await collect(
      (async function* () {
        for await (const event of events) {
          if (event.type === 'text' && ++deltas === 4) {
            forwardsAtAbort = forward.mock.calls.length;
            controller.abort();
          }
          yield event;
        }
      })(),
    );
    expect(result.reason).toBe('abort');
    expect(forward.mock.calls.length).toBe(forwardsAtAbort);
    expect(result.usage.completionTokens).toBe(forwardsAtAbort);
    expect(result.deltas).toHaveLength(4);
  });

  test('an already aborted signal runs no forward pass at all', async () => {
    const result = await generate(
      backend,
      textRequest(PROMPT, { maxNewTokens: 8, signal: AbortSignal.abort() }),
    );
    expect(result).toMatchObject({ text: '', reason: 'abort', usage: { completionTokens: 0 } });
    expect(forward).not.toHaveBeenCalled();
  });
});
