import type { RunningServer } from '../../../../inference/src/server';
import {
  closeUpstreamServer,
  startGateway,
  startUpstreamServer,
} from '../../../helpers/upstream-server';

/** Readiness follows the engine: a real llm-deploy upstream stopped and started again. */

const completion = (gateway: RunningServer) =>
  fetch(`${gateway.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', prompt: 'Hello', max_tokens: 3, temperature: 0 }),
  });

const cogPrediction = (gateway: RunningServer) =>
  fetch(`${gateway.url}/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { prompt: 'Hello', max_new_tokens: 3 } }),
  });

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readyzStatus = async (gateway: RunningServer) =>
  (await fetch(`${gateway.url}/readyz`)).status;

test('engine down: /readyz 503, requests 503 with Retry-After, Cog UNHEALTHY; back up: ready and serving', async () => {
  let upstream = await startUpstreamServer();
  const port = new URL(upstream.url).port;
  const gateway = await startGateway(upstream.url, {
    UPSTREAM_MODEL: 'tiny',
    UPSTREAM_HEALTH_INTERVAL_SECONDS: '1',
  });
  try {
    expect(gateway.lifecycle.ready).toBe(true);
    expect((await completion(gateway)).status).toBe(200);

    await closeUpstreamServer(upstream);
    await eventually(async () => (await readyzStatus(gateway)) === 503);
    const readyz = await fetch(`${gateway.url}/readyz`);
    expect(await readyz.json()).toEqual({ status: 'engine_unavailable' });
    expect(readyz.headers.get('retry-after')).toBe('5');
    const refused = await completion(gateway);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatchObject({
      code: 'engine_unavailable',
      type: 'server_error',
    });
    expect((await cogPrediction(gateway)).status).toBe(503);
    const health = await (await fetch(`${gateway.url}/health-check`)).json();
    expect(health.status).toBe('UNHEALTHY');

    upstream = await startUpstreamServer({ PORT: port });
    await eventually(async () => (await readyzStatus(gateway)) === 200);
    expect((await completion(gateway)).status).toBe(200);
    expect((await (await fetch(`${gateway.url}/health-check`)).json()).status).toBe('READY');
  } finally {
    await gateway.close();
    await closeUpstreamServer(upstream);
  }
}, 90_000);

test('a request that finds the engine gone drops readiness at once, without waiting for a poll', async () => {
  const upstream = await startUpstreamServer();
  const gateway = await startGateway(upstream.url, {
    UPSTREAM_MODEL: 'tiny',
    UPSTREAM_HEALTH_INTERVAL_SECONDS: '3600',
  });
  try {
    expect(await readyzStatus(gateway)).toBe(200);
    await closeUpstreamServer(upstream);
    expect(await readyzStatus(gateway)).toBe(200);
    const refused = await completion(gateway);
    expect(refused.status).toBe(503);
    const body = await refused.json();
    expect(body.error.code).toBe('engine_unavailable');
    // Our words only: no address of the engine.
    expect(JSON.stringify(body)).not.toContain(new URL(upstream.url).port);
    expect(await readyzStatus(gateway)).toBe(503);
  } finally {
    await gateway.close();
  }
}, 60_000);

test('the gateway waits for an engine that is still starting, then serves', async () => {
  const probe = await startUpstreamServer();
  const port = new URL(probe.url).port;
  await closeUpstreamServer(probe);
  const starting = startGateway(`http://127.0.0.1:${port}`, { UPSTREAM_MODEL: 'tiny' });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const upstream = await startUpstreamServer({ PORT: port });
  const gateway = await starting;
  try {
    expect(gateway.lifecycle.ready).toBe(true);
    expect((await completion(gateway)).status).toBe(200);
  } finally {
    await gateway.close();
    await closeUpstreamServer(upstream);
  }
}, 60_000);

test('an engine that never comes up fails setup after UPSTREAM_READY_TIMEOUT_SECONDS, naming no address', async () => {
  const probe = await startUpstreamServer();
  const port = new URL(probe.url).port;
  await closeUpstreamServer(probe);
  const gateway = await startGateway(`http://127.0.0.1:${port}`, {
    UPSTREAM_MODEL: 'tiny',
    UPSTREAM_READY_TIMEOUT_SECONDS: '1',
  });
  try {
    expect(gateway.lifecycle.state).toBe('SETUP_FAILED');
    const health = await (await fetch(`${gateway.url}/health-check`)).json();
    expect(health.setup.logs).toMatch(/UPSTREAM_READY_TIMEOUT_SECONDS.*cannot be reached/);
    expect(health.setup.logs).not.toContain(port);
  } finally {
    await gateway.close();
  }
}, 60_000);
