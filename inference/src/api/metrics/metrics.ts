import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BackendStatus } from '../../engine/types';
import type { SchedulerObserver } from '../../scheduler';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TOKEN_GAP_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
];

export interface LiveCounts {
  running(): number;
  waiting(): number;
  /** The engine's batch figures (undefined before the model is loaded). */
  engine?(): BackendStatus | undefined;
}

/**
 * Every metric the server exports, in one registry. Prometheus conventions: `llm_` prefix, base
 * units, bounded labels only (route patterns, status codes, finish reasons; never ids or text).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'llm_requests_total',
    help: 'HTTP requests by route pattern and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'llm_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly timeToFirstToken = new Histogram({
    name: 'llm_time_to_first_token_seconds',
    help: 'From admission to the first generated text',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly interTokenLatency = new Histogram({
    name: 'llm_inter_token_latency_seconds',
    help: 'Time between consecutive pieces of generated text',
    buckets: TOKEN_GAP_BUCKETS,
    registers: [this.registry],
  });
  readonly queueTime = new Histogram({
    name: 'llm_request_queue_time_seconds',
    help: 'Time a generation waited for a slot',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly promptTokens = new Counter({
    name: 'llm_prompt_tokens_total',
    help: 'Prompt tokens processed',
    registers: [this.registry],
  });
  readonly generationTokens = new Counter({
    name: 'llm_generation_tokens_total',
    help: 'Tokens generated',
    registers: [this.registry],
  });
  readonly generations = new Counter({
    name: 'llm_generations_total',
    help: 'Finished generations by finish reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly moderationDecisions = new Counter({
    name: 'llm_moderation_decisions_total',
    help: 'Moderation decisions by direction (input, output), blocked category (none when allowed) and decision (allowed, blocked)',
    labelNames: ['direction', 'category', 'decision'] as const,
    registers: [this.registry],
  });
  readonly modelLoadSeconds = new Gauge({
    name: 'llm_model_load_seconds',
    help: 'Seconds the model took to load',
    registers: [this.registry],
  });
  readonly buildInfo = new Gauge({
    name: 'llm_build_info',
    help: 'Always 1; labels say what runs',
    labelNames: ['version', 'node_version', 'model', 'engine', 'device', 'dtype'] as const,
    registers: [this.registry],
  });

  constructor(live: LiveCounts) {
    new Gauge({
      name: 'llm_requests_running',
      help: 'Generations running now',
      registers: [this.registry],
      collect() {
        this.set(live.running());
      },
    });
    new Gauge({
      name: 'llm_requests_waiting',
      help: 'Generations queued for a slot: the scale-out signal',
      registers: [this.registry],
      collect() {
        this.set(live.waiting());
      },
    });
    new Gauge({
      name: 'llm_batch_size',
      help: 'Sequences decoding together in the current step',
      registers: [this.registry],
      collect() {
        this.set(live.engine?.()?.batchSize ?? 0);
      },
    });
    new Gauge({
      name: 'llm_kv_cache_usage_ratio',
      help: "Share of the engine's KV-cache budget in use, 0 to 1",
      registers: [this.registry],
      collect() {
        this.set(live.engine?.()?.kvCacheUsage ?? 0);
      },
    });
    // The engine keeps the total; each scrape adds what it counted since the last one.
    let preemptionsCounted = 0;
    new Counter({
      name: 'llm_preemptions_total',
      help: 'Sequences evicted from the batch to make room (the ONNX engine admits by worst case and never evicts)',
      registers: [this.registry],
      collect() {
        const total = live.engine?.()?.preemptions ?? 0;
        if (total > preemptionsCounted) this.inc(total - preemptionsCounted);
        preemptionsCounted = Math.max(preemptionsCounted, total);
      },
    });
  }

  /** Counts a moderation decision; the category comes from the policy or the classifier's labels. */
  countModeration(direction: string, decision: string, category = 'none'): void {
    this.moderationDecisions.inc({ direction, category, decision });
  }

  /** Feeds the generation metrics from the scheduler. */
  schedulerObserver(): SchedulerObserver {
    return {
      onStart: (queueSeconds) => this.queueTime.observe(queueSeconds),
      onFirstText: (seconds) => this.timeToFirstToken.observe(seconds),
      onNextText: (seconds) => this.interTokenLatency.observe(seconds),
      onFinish: (usage, reason) => {
        this.promptTokens.inc(usage.promptTokens);
        this.generationTokens.inc(usage.completionTokens);
        this.generations.inc({ reason });
      },
    };
  }
}
