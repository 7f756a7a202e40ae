import OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import Replicate from 'replicate';
import type { RunningServer } from '../../../../inference/src/server';
import {
  closeUpstreamServer,
  startGateway,
  startUpstreamServer,
} from '../../../helpers/upstream-server';

/**
 * What a client gives up on is cancelled at the engine, observed there: the upstream llm-deploy
 * server's own metrics count the generation as aborted, long before it would have ended.
 */

let upstream: RunningServer;
let gateway: RunningServer;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  gateway = await startGateway(upstream.url, { UPSTREAM_MODEL: 'tiny', MAX_CONCURRENT: '4' });
});
afterAll(async () => {
  await gateway?.close();
  await closeUpstreamServer(upstream);
});

interface Family {
  name: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

/** The upstream's finished generations by reason, and tokens generated, from its /metrics. */
async function upstreamCounts(): Promise<{ aborted: number; tokens: number }> {
  const text = await (await fetch(`${upstream.metricsUrl}/metrics`)).text();
  const families = parsePrometheusTextFormat(text) as Family[];
  const value = (name: string, reason?: string) =>
    Number(
      families
        .find((f) => f.name === name)
        ?.metrics.find((m) => reason === undefined || m.labels?.reason === reason)?.value ?? 0,
    );
  return {
    aborted: value('llm_generations_total', 'abort'),
    tokens: value('llm_generation_tokens_total'),
  };
}

async function untilUpstreamAborts(before: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  while ((await upstreamCounts()).aborted <= before) {
    if (performance.now() > deadline) throw new Error('the upstream never saw an abort');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a cancelled Replicate prediction cancels the generation at the engine', async () => {
  const replicate = new Replicate({ auth: 'x', baseUrl: `${gateway.url}/v1`, fetch });
  const before = await upstreamCounts();
  const created = await replicate.predictions.create({
    model: 'acme/tiny',
    input: { prompt: 'Long', max_new_tokens: 480, temperature: 0 },
  });
  for (;;) {
    const prediction = await replicate.predictions.get(created.id);
    if (((prediction.output as string[] | null) ?? []).length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect((await replicate.predictions.cancel(created.id)).status).toBe('canceled');
  await untilUpstreamAborts(before.aborted);
  const after = await upstreamCounts();
  expect(after.tokens - before.tokens).toBeLessThan(480);
  expect(upstream.lifecycle.scheduler?.running).toBe(0);
});

test('an SSE client that goes away cancels the generation at the engine', async () => {
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const before = await upstreamCounts();
  const stream = await client.completions.create({
    model: 'tiny',
    prompt: 'Once',
    max_tokens: 480,
    temperature: 0,
    stream: true,
  });
  let chunks = 0;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.text && ++chunks === 3) break;
  }
  await untilUpstreamAborts(before.aborted);
  const after = await upstreamCounts();
  expect(after.tokens - before.tokens).toBeLessThan(480);
  expect(gateway.lifecycle.scheduler?.running).toBe(0);
});
