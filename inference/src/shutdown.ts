import type { RunningServer } from './server';

export interface DrainOptions {
  graceSeconds: number;
  /** Extra work to wait for (pending webhooks), as "is it idle now?" probes. */
  idle?: (() => boolean)[];
  pollMs?: number;
}

/**
 * Graceful stop: readiness drops at once (so the Service stops routing here), new requests get
 * 503, and we wait until nothing is in flight (HTTP requests, streams, queued or running
 * generations, webhooks still to deliver, extra work) or the grace period ends. Resolves true when everything finished.
 */
export async function drain(server: RunningServer, options: DrainOptions): Promise<boolean> {
  server.lifecycle.startDraining();
  const deadline = performance.now() + options.graceSeconds * 1000;
  const scheduler = server.lifecycle.scheduler;
  const idle = () =>
    server.inFlight() === 0 &&
    (scheduler?.running ?? 0) === 0 &&
    (scheduler?.waiting ?? 0) === 0 &&
    server.app.predictions.pendingWebhooks === 0 &&
    (options.idle ?? []).every((probe) => probe());
  while (!idle()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
  return true;
}
