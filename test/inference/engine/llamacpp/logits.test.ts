/**
 * llama.cpp on the builder's GGUF files computes what ONNX Runtime computes on its ONNX graph
 * (the same weights): the logits for a few prompts, and the greedy text both engines' backends
 * generate, with and without a repetition penalty.
 */
import { AutoTokenizer } from '@huggingface/transformers';
import type { ControlledEvaluateInputItem, Token } from 'node-llama-cpp';
import type { InferenceSession } from 'onnxruntime-node';
import type { Backend } from '../../../../inference/src/engine';
import { LlamaCppBackend } from '../../../../inference/src/engine/llamacpp';
import { importEsm } from '../../../../inference/src/engine/llamacpp/esm-import';
import {
  maxAbsDifference,
  openSession,
  runStep,
  type KvCache,
} from '../../../helpers/gpt2-session';
import { TINY_GGUF_DIR, TINY_MODEL } from '../../../helpers/model-paths';

type NodeLlamaCpp = typeof import('node-llama-cpp');

const SHAPE = { vocabSize: 50257, nEmbd: 64, nLayer: 2, nHead: 4, nPositions: 512 };
const HUB = { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent', offline: true };
const NEW_TOKENS = 32;
const PROMPTS = [
  'The quick brown fox jumps over the lazy dog',
  'Hello',
  'In 1905, Albert Einstein published four papers that changed physics: the photoelectric effect,',
];
/**
 * The largest difference allowed between a llama.cpp logit and ONNX Runtime's (fp32), as a
 * share of the spread (standard deviation) of ONNX's logits at that position. llama.cpp keeps
 * its KV cache in F16 and takes GELU from an F16 table, so even the F32 file differs in the
 * third digit (measured: at most 0.4 %); F16 weights add their rounding (0.7 %); Q8_0 rounds
 * weights and activations to 8 bits (11 %).
 */
const TOLERANCE = { f32: 0.01, f16: 0.02, q8_0: 0.2 } as const;
type GgufType = keyof typeof TOLERANCE;
const TYPES = Object.keys(TOLERANCE) as GgufType[];

let lib: NodeLlamaCpp;
let session: InferenceSession;
let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
beforeAll(async () => {
  lib = await importEsm<NodeLlamaCpp>('node-llama-cpp');
  session = await openSession(TINY_MODEL);
  tokenizer = await AutoTokenizer.from_pretrained(TINY_MODEL);
});
afterAll(() => session?.release());

const encode = (text: string) => tokenizer.encode(text) as number[];
const ggufFile = (type: GgufType) => `${TINY_GGUF_DIR}/tiny-${type}.gguf`;

function spread(values: Float32Array): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

type Loaded = { dispose(): Promise<void>; logits(ids: number[]): Promise<Float32Array> };
const loaded = new Map<GgufType, Promise<Loaded>>();
afterAll(async () => {
  for (const model of loaded.values()) await (await model).dispose();
});

/** llama.cpp's logits after the last of `ids`, straight from node-llama-cpp, one model per file. */
async function llamaLogits(type: GgufType, ids: number[]): Promise<Float32Array> {
  if (!loaded.has(type)) loaded.set(type, loadForLogits(type));
  return (await loaded.get(type)!).logits(ids);
}

async function loadForLogits(type: GgufType): Promise<Loaded> {
  const llama = await lib.getLlama({ gpu: false, build: 'never', skipDownload: true });
  const model = await llama.loadModel({ modelPath: ggufFile(type), gpuLayers: 0 });
  const context = await model.createContext({ sequences: 1, contextSize: 512, threads: 1 });
  const sequence = context.getSequence();
  // node-llama-cpp tells a [token, options] item by `instanceof Array`, which fails for an
  // array made in jest's realm: build it with the module's own Array.
  const HostArray = model.tokenize('a').constructor as ArrayConstructor;
  return {
    dispose: async () => {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
    logits: async (ids) => {
      await sequence.clearHistory();
      const input = (ids as Token[]).map((id, i) =>
        i === ids.length - 1
          ? (HostArray.of<unknown>(id, {
              generateNext: { logits: true },
            }) as ControlledEvaluateInputItem)
          : id,
      );
      const results = await sequence.controlledEvaluate(input);
      const logits = new Float32Array(SHAPE.vocabSize);
      for (const [token, logit] of results[ids.length - 1]!.next.logits!) logits[token] = logit;
      return logits;
    },
  };
}

describe.each(TYPES)('%s GGUF', (type) => {
  test.each(PROMPTS)(
    `logits within ${TOLERANCE[type]} of the spread of ONNX's: %s`,
    async (prompt) => {
      const ids = encode(prompt);
      const reference = (await runStep(session, SHAPE, { inputIds: [ids] })).logits[0].at(-1)!;
      const logits = await llamaLogits(type, ids);
      expect(maxAbsDifference(logits, reference) / spread(reference)).toBeLessThan(TOLERANCE[type]);
    },
  );
});

/**
 * ONNX Runtime's greedy continuation with Hugging Face's repetition penalty, and at each step the
 * gap between the two best logits as a share of their spread: where it is below the engines'
 * difference, rounding may pick either token, on any engine. Computed once per case.
 */
const greedyCache = new Map<string, Promise<{ tokens: number[]; gaps: number[] }>>();
function onnxGreedy(prompt: string, penalty: number) {
  const key = `${penalty}:${prompt}`;
  if (!greedyCache.has(key)) greedyCache.set(key, computeGreedy(encode(prompt), penalty));
  return greedyCache.get(key)!;
}

async function computeGreedy(prompt: number[], penalty: number) {
  const tokens: number[] = [];
  const gaps: number[] = [];
  let past: KvCache | undefined;
  let input = prompt;
  for (let step = 0; step < NEW_TOKENS; step++) {
    const out = await runStep(session, SHAPE, { inputIds: [input], past });
    const logits = Float32Array.from(out.logits[0].at(-1)!);
    const scale = spread(logits);
    for (const id of new Set([...prompt, ...tokens]))
      logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
    let [best, second] = [0, 1];
    if (logits[second] > logits[best]) [best, second] = [second, best];
    for (let i = 2; i < logits.length; i++) {
      if (logits[i] > logits[best]) [best, second] = [i, best];
      else if (logits[i] > logits[second]) second = i;
    }
    gaps.push((logits[best] - logits[second]) / scale);
    tokens.push(best);
    past = out.present;
    input = [best];
  }
  return { tokens, gaps };
}

async function generate(backend: Backend, prompt: string, repetitionPenalty: number) {
  const prepared = await backend.prepare({
    prompt: { kind: 'text', text: prompt },
    maxNewTokens: NEW_TOKENS,
    temperature: 0,
    topP: 1,
    topK: 0,
    repetitionPenalty,
    stop: [],
  });
  let text = '';
  for await (const event of backend.generate(prepared))
    if (event.type === 'text') text += event.text;
  return text;
}

/** Full agreements required out of the 6 continuations (measured here: F32 5, F16 6, Q8_0 0). */
const AGREEING = { f32: 4, f16: 4, q8_0: 0 } as const;

test.each(TYPES)(
  '%s: greedy text as ONNX Runtime generates it up to a near tie, with and without a repetition penalty',
  async (type) => {
    const backend = await LlamaCppBackend.load({
      model: ggufFile(type),
      revision: 'main',
      gguf: {},
      device: 'cpu',
      hub: HUB,
      sequences: 1,
      threads: 1,
    });
    try {
      let agreeing = 0;
      for (const prompt of PROMPTS) {
        for (const penalty of [1, 1.3]) {
          const { tokens, gaps } = await onnxGreedy(prompt, penalty);
          const text = await generate(backend, prompt, penalty);
          const tie = gaps.findIndex((gap) => gap < 2 * TOLERANCE[type]);
          const untilTie = tie < 0 ? tokens : tokens.slice(0, tie);
          const decode = (ids: number[]) =>
            ids.length ? tokenizer.decode(ids, { skip_special_tokens: true }) : '';
          expect(text.startsWith(decode(untilTie))).toBe(true);
          if (text === decode(tokens)) agreeing++;
        }
      }
      expect(agreeing).toBeGreaterThanOrEqual(AGREEING[type]);
    } finally {
      await backend.dispose();
    }
  },
);
