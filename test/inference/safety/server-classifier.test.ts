import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { RunningServer } from '../../../inference/src/server';
import {
  completeGreedily,
  findGeneratedWord,
  type GeneratedWord,
} from '../../helpers/generated-word';
import { startTestServer } from '../../helpers/server';
import { writeTinyClassifier } from '../../helpers/tiny-classifier';

/**
 * MODERATION_MODEL on the real server: a tiny DistilBERT-shaped classifier built here, whose
 * `toxic` words are "villain" and a word the language model was seen to generate.
 */

let dir: string;
let server: RunningServer;
let client: OpenAI;
let reference: GeneratedWord;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'moderation-model-'));
  reference = await findGeneratedWord();
  writeTinyClassifier(dir, ['hello', 'there'], ['villain', reference.word.toLowerCase()]);
  server = await startTestServer({
    MODERATION_MODEL: dir,
    MODERATION_MODEL_LABELS: 'toxic',
    MODERATION_MODEL_THRESHOLD: '0.8',
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a prompt the classifier flags is a 400 content_filter named by its label', async () => {
  const error = await client.chat.completions
    .create({ model: 'tiny', messages: [{ role: 'user', content: 'Hello there, villain' }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_filter');
  expect((error as Error).message).toMatch(/\(category: toxic\)$/);
});

test('a clean prompt passes the classifier', async () => {
  const res = await client.completions.create({
    model: 'tiny',
    prompt: 'Hello there',
    max_tokens: 2,
  });
  expect(res.choices[0].finish_reason).toBe('length');
});

test('output the classifier flags is withheld, finish_reason content_filter', async () => {
  const res = await completeGreedily(client, reference.prompt);
  expect(res.choices[0].finish_reason).toBe('content_filter');
  // The tiny model writes no sentence ends, so the one segment is the whole output: all withheld.
  expect(res.choices[0].text).toBe('');
});

test('a blocking label the model lacks fails setup, naming the labels it has', async () => {
  await expect(
    startTestServer({ MODERATION_MODEL: dir, MODERATION_MODEL_LABELS: 'toxic,hate' }),
  ).rejects.toThrow(
    `MODERATION_MODEL_LABELS names "hate", which the moderation model "${dir}" does not have; its labels: safe, toxic`,
  );
});
