import { readFileSync } from 'node:fs';
import { startChildServer, type ChildServer } from '../../helpers/child-server';

const CAPACITY = { running: 2, queued: 4 };
const LATENCY_BOUND_SECONDS = 10;

function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

async function wave(
  server: ChildServer,
  size: number,
): Promise<{ status: number; seconds: number }[]> {
  const body = JSON.stringify({
    model: 'tiny',
    prompt: 'Overload me',
    max_tokens: 24,
    temperature: 0.7,
  });
  return Promise.all(
    Array.from({ length: size }, async () => {
      const started = performance.now();
      const res = await fetch(`${server.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      return {
        status: res.status,
        seconds: (performance.now() - started) / 1000,
        retryAfter: res.headers.get('retry-after'),
      };
    }),
  );
}

test(`at four times capacity: only 200s and 429s, p99 of admitted below ${LATENCY_BOUND_SECONDS} s, memory back near baseline`, async () => {
  const server = await startChildServer({
    MAX_CONCURRENT: String(CAPACITY.running),
    MAX_QUEUE: String(CAPACITY.queued),
  });
  try {
    const pid = server.process.pid as number;
    await wave(server, CAPACITY.running + CAPACITY.queued); // warm the allocator before the baseline
    const baseline = residentMiB(pid);
    const results = [];
    for (let i = 0; i < 6; i++)
      results.push(...(await wave(server, 4 * (CAPACITY.running + CAPACITY.queued))));
    const statuses = new Set(results.map((r) => r.status));
    expect([...statuses].sort()).toEqual([200, 429]);
    const admitted = results
      .filter((r) => r.status === 200)
      .map((r) => r.seconds)
      .sort((a, b) => a - b);
    expect(admitted.length).toBeGreaterThanOrEqual(6 * (CAPACITY.running + CAPACITY.queued));
    const p99 = admitted[Math.min(admitted.length - 1, Math.ceil(admitted.length * 0.99) - 1)];
    expect(p99).toBeLessThan(LATENCY_BOUND_SECONDS);
    await new Promise((r) => setTimeout(r, 1000));
    const after = residentMiB(pid);
    console.log(
      `overload: ${results.length} requests, ${admitted.length} admitted, p99 ${p99.toFixed(2)} s, RSS ${baseline.toFixed(0)} -> ${after.toFixed(0)} MiB`,
    );
    expect(after - baseline).toBeLessThan(64);
    // The server still answers a normal request afterwards.
    expect((await wave(server, 1))[0].status).toBe(200);
  } finally {
    server.process.kill('SIGKILL');
  }
}, 120_000);
