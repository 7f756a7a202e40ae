import { AutoModelForCausalLM, Tensor } from '@huggingface/transformers';
import { decodeLoop, type DecoderModel } from '../../../inference/src/engine/decode-loop';
import type { PreparedRequest } from '../../../inference/src/engine';
import {
  TINY_MODEL,
  collect,
  loadTokenizer,
  recordSampledTokens,
  textRequest,
  type TestTokenizer,
} from '../../helpers/engine';

const PROMPT = 'A list of things to buy:';

let model: DecoderModel;
let tokenizer: TestTokenizer;

beforeAll(async () => {
  model = (await AutoModelForCausalLM.from_pretrained(TINY_MODEL, {
    dtype: 'fp32',
  })) as unknown as DecoderModel;
  tokenizer = await loadTokenizer();
});
afterAll(() => model.dispose());

/** The decode loop on the real tiny model, with the end-of-sequence tokens of our choosing. */
function run(request: PreparedRequest['request'], eosTokenIds: number[]) {
  const promptIds = tokenizer.encode(PROMPT);
  const dims = [1, promptIds.length];
  return collect(
    decodeLoop({
      model,
      tokenizer: { decode: (ids, options) => tokenizer.decode(ids, options) },
      eosTokenIds: new Set(eosTokenIds),
      promptIds,
      inputs: {
        input_ids: new Tensor('int64', BigInt64Array.from(promptIds, BigInt), dims),
        attention_mask: new Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), dims),
      },
      request,
    }),
  );
}

/** A seeded continuation whose k-th token (k >= 2) appears there for the first time. */
async function sampledWithFreshToken() {
  const request = { ...textRequest(PROMPT, { temperature: 1, seed: 11 }), maxNewTokens: 12 };
  const recorder = recordSampledTokens();
  let ids: number[];
  try {
    await run(request, []);
    ids = recorder.ids();
  } finally {
    recorder.stop();
  }
  const k = ids.findIndex((id, i) => i >= 2 && !ids.slice(0, i).includes(id));
  if (k < 0) throw new Error(`no fresh token in ${ids.join(',')}`);
  return { request, ids, k };
}

describe('end of sequence', () => {
  test('ends with reason stop; the end token counts but is not emitted', async () => {
    const { request, ids, k } = await sampledWithFreshToken();
    const result = await run(request, [ids[k]]);
    expect(result.reason).toBe('stop');
    expect(result.usage.completionTokens).toBe(k + 1);
    expect(result.text).toBe(tokenizer.decode(ids.slice(0, k)));
  });

  test('text held back for a possible stop sequence is still emitted', async () => {
    const { request, ids, k } = await sampledWithFreshToken();
    const text = tokenizer.decode(ids.slice(0, k));
    // A stop that starts with the last character before the end token makes the matcher hold
    // that character back; the end of sequence must release it, since the stop never came.
    const stop = text.slice(-1) + '\u0000';
    const result = await run({ ...request, stop: [stop] }, [ids[k]]);
    expect(result.text).toBe(text);
    expect(result.reason).toBe('stop');
  });
});
