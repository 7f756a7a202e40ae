import type { UpstreamClient } from './client';

/** A model as the engine's GET /v1/models lists it (vLLM adds `max_model_len`). */
export interface ModelCard {
  id: string;
  max_model_len?: number;
}

export type HealthCheck = { ok: true; models: ModelCard[] } | { ok: false; reason: string };

/**
 * Health routes in the order they are tried; the first that exists decides. vLLM, SGLang, TGI
 * and llama.cpp's server answer /health (llama.cpp 503 while loading); llm-deploy answers /readyz.
 */
const HEALTH_ROUTES = ['/health', '/readyz'];

/**
 * Whether the engine can serve now: its health route says so, and GET /v1/models lists a model
 * (vLLM's /health can be 200 before the model serves). Never throws.
 */
export async function checkUpstream(client: UpstreamClient): Promise<HealthCheck> {
  try {
    for (const route of HEALTH_ROUTES) {
      const { status } = await client.probe('GET', route);
      if (status === 404) continue;
      if (status !== 200) return { ok: false, reason: `GET ${route} answered ${status}` };
      break;
    }
    const { status, body } = await client.probe('GET', '/v1/models');
    if (status !== 200) return { ok: false, reason: `GET /v1/models answered ${status}` };
    const models = modelCards(body);
    if (models.length === 0) return { ok: false, reason: 'GET /v1/models lists no model' };
    return { ok: true, models };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function modelCards(body: unknown): ModelCard[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return [];
  return data.filter((m): m is ModelCard => typeof (m as ModelCard | null)?.id === 'string');
}

export interface HealthWatchOptions {
  intervalSeconds: number;
  onChange?: (available: boolean, reason?: string) => void;
}

/**
 * Polls the engine so readiness follows it: down when a check fails or a request could not reach
 * it, up again at the first check that passes.
 */
export class HealthWatch {
  private up = true;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(
    private readonly check: () => Promise<HealthCheck>,
    private readonly options: HealthWatchOptions,
  ) {}

  get available(): boolean {
    return this.up;
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** A request found the engine unreachable: not ready until a check passes again. */
  markDown(reason: string): void {
    this.set(false, reason);
    void this.refresh();
  }

  /** One check at a time; concurrent callers share it. */
  refresh(): Promise<void> {
    this.checking ??= this.check()
      .then((result) => this.set(result.ok, result.ok ? undefined : result.reason))
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private set(up: boolean, reason?: string): void {
    if (up === this.up) return;
    this.up = up;
    this.options.onChange?.(up, reason);
  }
}
