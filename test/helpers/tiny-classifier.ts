import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { GraphBuilder } from '../../inference/tools/model-builder/onnx-builder';

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
const LABELS = ['safe', 'toxic'];

/**
 * A real text-classification model folder that transformers.js loads as DistilBERT: a WordPiece
 * tokenizer and an ONNX bag-of-words linear classifier (logits = sum of per-token rows + bias).
 * Each word of `toxicWords` adds 4 to the `toxic` logit and the bias takes 2 off, so one such word
 * scores toxic ~0.88 and a text without any ~0.12.
 */
export function writeTinyClassifier(dir: string, words: string[], toxicWords: string[]): void {
  const vocabulary = [...SPECIAL_TOKENS, ...new Set([...words, ...toxicWords])];
  const toxic = new Set(toxicWords);
  const { INT64, FLOAT } = onnx.TensorProto.DataType;
  const g = new GraphBuilder();
  const inputIds = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length']);
  const rows = g.float(
    'token_logits',
    [vocabulary.length, LABELS.length],
    vocabulary.flatMap((token) => [0, toxic.has(token) ? 4 : 0]),
  );
  const perToken = g.op('Gather', [rows, inputIds], { axis: 0 });
  const weight = g.op('Unsqueeze', [
    g.op('Cast', [mask], { to: FLOAT }),
    g.int64('axis2', [1], [2]),
  ]);
  const summed = g.op('ReduceSum', [g.op('Mul', [perToken, weight]), g.int64('axis1', [1], [1])], {
    keepdims: 0,
  });
  g.node('Add', [summed, g.float('bias', [LABELS.length], [0, -2])], {}, ['logits']);
  g.output('logits', FLOAT, ['batch_size', LABELS.length]);

  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), g.toModel());
  writeJson(join(dir, 'config.json'), {
    model_type: 'distilbert',
    architectures: ['DistilBertForSequenceClassification'],
    vocab_size: vocabulary.length,
    id2label: Object.fromEntries(LABELS.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(LABELS.map((label, i) => [label, i])),
  });
  writeJson(join(dir, 'tokenizer.json'), wordPieceTokenizer(vocabulary));
  writeJson(join(dir, 'tokenizer_config.json'), {
    tokenizer_class: 'DistilBertTokenizer',
    do_lower_case: true,
    model_max_length: 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
  });
}

function wordPieceTokenizer(vocabulary: string[]): object {
  const special = (token: string) => ({ id: token, type_id: 0 });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: special('[CLS]') },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special('[SEP]') },
      ],
      pair: [
        { SpecialToken: special('[CLS]') },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special('[SEP]') },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: special('[SEP]') },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [vocabulary.indexOf(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocabulary.map((token, id) => [token, id])),
    },
  };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
