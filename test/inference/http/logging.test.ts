import { Writable } from 'node:stream';
import { loadConfig } from '../../../inference/src/config';
import { startServer } from '../../../inference/src/server';
import { TINY_MODEL } from '../../helpers/server';

const PROMPT = 'my secret recipe for paella';

async function runWithLogs(
  env: Record<string, string>,
): Promise<{ lines: Record<string, unknown>[]; requestId: string | null }> {
  let raw = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((raw += chunk.toString()), cb()) });
  const config = loadConfig(
    {},
    {
      MODEL: TINY_MODEL,
      PORT: '0',
      METRICS_PORT: '0',
      HF_HUB_OFFLINE: 'true',
      HF_TOKEN: 'hf_shouldNeverAppear',
      ...env,
    },
  );
  const server = await startServer(config, { logger: { level: 'trace', stream } });
  await server.loaded;
  try {
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer key-abcdefghijklmnop' },
      body: JSON.stringify({ model: 'tiny', prompt: PROMPT, max_tokens: 5 }),
    });
    expect(res.status).toBe(200);
    await res.json();
    return {
      lines: raw
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      requestId: res.headers.get('x-request-id'),
    };
  } finally {
    await server.close();
  }
}

test('logs are JSON lines with the request id, and hold no prompt, completion or secret by default', async () => {
  const { lines, requestId } = await runWithLogs({ API_KEYS: 'key-abcdefghijklmnop' });
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(lines.some((l) => l.reqId === requestId)).toBe(true);
  const text = JSON.stringify(lines);
  expect(text).not.toContain('paella');
  expect(text).not.toContain('key-abcdefghijklmnop');
  expect(text).not.toContain('hf_shouldNeverAppear');
});

test('LOG_PROMPTS=true logs the prompt and completion with the request id', async () => {
  const { lines, requestId } = await runWithLogs({ LOG_PROMPTS: 'true' });
  const generation = lines.find((l) => l.msg === 'generation');
  expect(generation).toMatchObject({ reqId: requestId, prompt: { kind: 'text', text: PROMPT } });
  expect(typeof generation?.completion).toBe('string');
});
