import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../inference/src/config';
import { startServer } from '../../../inference/src/server';
import { findGeneratedWord, GREEDY } from '../../helpers/generated-word';
import { TINY_MODEL } from '../../helpers/server';

test('blocks are logged by direction and category; the blocked text never is', async () => {
  const reference = await findGeneratedWord();
  const dir = mkdtempSync(join(tmpdir(), 'moderation-logs-'));
  const policy = join(dir, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({
      categories: {
        'test-food': { words: ['paella'] },
        'test-output': { words: [reference.word] },
      },
    }),
  );
  let raw = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((raw += chunk.toString()), cb()) });
  const config = loadConfig(
    {},
    {
      MODEL: TINY_MODEL,
      PORT: '0',
      METRICS_PORT: '0',
      HF_HUB_OFFLINE: 'true',
      MODERATION_POLICY_FILE: policy,
    },
  );
  const server = await startServer(config, { logger: { level: 'trace', stream } });
  await server.loaded;
  try {
    const post = (prompt: string, extra: object = {}) =>
      fetch(`${server.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tiny', prompt, ...extra }),
      });
    const refused = await post('my secret PAELLA recipe');
    expect(refused.status).toBe(400);
    const cut = await (await post(reference.prompt, GREEDY)).json();
    expect(cut.choices[0].finish_reason).toBe('content_filter');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = raw
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const filtered = lines.filter((l) => l.msg === 'content filtered');
  expect(filtered).toEqual([
    expect.objectContaining({ direction: 'input', category: 'test-food' }),
    expect.objectContaining({ direction: 'output', category: 'test-output' }),
  ]);
  expect(raw.toLowerCase()).not.toContain('paella');
  // As a word: log field names (remoteAddress) may contain the letters of a short word.
  expect(raw).not.toMatch(new RegExp(`\\b${reference.word}\\b`, 'i'));
});
