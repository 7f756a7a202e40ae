import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { RunningServer } from '../../../../inference/src/server';
import { serverEngine } from '../../../helpers/engines';
import { startTestServer } from '../../../helpers/server';

type Family = {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    count?: string;
    buckets?: Record<string, string>;
  }[];
};

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function scrape(): Promise<Map<string, Family>> {
  const res = await fetch(`${server.metricsUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const families = parsePrometheusTextFormat(await res.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.get(name);
  const sample = family?.metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
  );
  return Number(sample?.value ?? sample?.count ?? 0);
}

const chat = (body: object) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('/metrics is not served on the API port', async () => {
  expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
});

test('counters move by exactly the expected amounts across a known sequence of requests', async () => {
  const before = await scrape();
  const ok = {
    model: 'tiny',
    messages: [{ role: 'user', content: 'Count me' }],
    max_tokens: 5,
    temperature: 0,
  };
  const responses = [await chat(ok), await chat(ok)];
  const bodies = await Promise.all(responses.map((r) => r.json()));
  expect(bodies.map((b) => b.choices[0].finish_reason)).toEqual(['length', 'length']);
  expect((await chat({ ...ok, max_tokens: -1 })).status).toBe(400);
  expect((await fetch(`${server.url}/v1/models`)).status).toBe(200);
  const after = await scrape();

  const delta = (name: string, labels: Record<string, string> = {}) =>
    value(after, name, labels) - value(before, name, labels);
  expect(delta('llm_requests_total', { route: '/v1/chat/completions', status: '200' })).toBe(2);
  expect(delta('llm_requests_total', { route: '/v1/chat/completions', status: '400' })).toBe(1);
  expect(delta('llm_requests_total', { route: '/v1/models', status: '200' })).toBe(1);
  expect(delta('llm_generation_tokens_total')).toBe(10);
  expect(delta('llm_prompt_tokens_total')).toBe(bodies[0].usage.prompt_tokens * 2);
  expect(delta('llm_generations_total', { reason: 'length' })).toBe(2);
  expect(delta('llm_time_to_first_token_seconds')).toBe(2);
  expect(delta('llm_request_queue_time_seconds')).toBe(2);
  expect(delta('llm_inter_token_latency_seconds')).toBe(8);
  expect(value(after, 'llm_requests_running')).toBe(0);
  expect(value(after, 'llm_requests_waiting')).toBe(0);
});

test('load time and build info are exported; every name follows the llm_ convention', async () => {
  const families = await scrape();
  expect(value(families, 'llm_model_load_seconds')).toBeGreaterThan(0);
  const info = families.get('llm_build_info')?.metrics[0];
  expect(info?.value).toBe('1');
  expect(info?.labels).toMatchObject({
    model: 'tiny',
    engine: serverEngine(),
    device: 'cpu',
    dtype: 'fp32',
  });
  const ours = [...families.keys()].filter((name) => name.startsWith('llm_'));
  expect(ours.length).toBeGreaterThanOrEqual(12);
  for (const name of ours) expect(name).toMatch(/^llm_[a-z_]+$/);
});

// A gateway does not see its engine's batch: vLLM's own metrics (vllm:*) follow ours on the port.
const reportsBatch = serverEngine() !== 'openai-upstream';

(reportsBatch ? test : test.skip)(
  'batch size and KV-cache use follow the streams decoding together; preemptions stay 0',
  async () => {
    const controllers = [0, 1, 2].map(() => new AbortController());
    const streams = await Promise.all(
      controllers.map(async (controller, i) => {
        const res = await fetch(`${server.url}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'tiny',
            prompt: `Stream ${i} says`,
            max_tokens: 400,
            temperature: 0,
            stream: true,
          }),
          signal: controller.signal,
        });
        const reader = res.body!.getReader();
        // Until the first generated text: this stream is in the batch.
        let received = '';
        while (!received.includes('"text":"')) {
          const { value: chunk, done } = await reader.read();
          if (done) throw new Error(`stream ${i} ended before any text: ${received}`);
          received += new TextDecoder().decode(chunk);
        }
        return reader;
      }),
    );
    const during = await scrape();
    for (const c of controllers) c.abort();
    await Promise.all(streams.map((r) => r.closed.catch(() => undefined)));
    expect(value(during, 'llm_batch_size')).toBe(3);
    const usage = value(during, 'llm_kv_cache_usage_ratio');
    expect(usage).toBeGreaterThan(0);
    expect(usage).toBeLessThanOrEqual(1);
    let after = await scrape();
    for (let i = 0; i < 50 && value(after, 'llm_batch_size') > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await scrape();
    }
    expect(value(after, 'llm_batch_size')).toBe(0);
    expect(value(after, 'llm_kv_cache_usage_ratio')).toBe(0);
    expect(after.get('llm_preemptions_total')?.metrics[0].value).toBe('0');
  },
);
