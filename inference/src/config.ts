import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { webhookKey } from './api/predictions/webhook-signature';
import { DEVICES, DTYPES, ENGINES } from './engine/types';

/** The embedded default: the tiny model `npm install` builds next to the compiled server. */
export const EMBEDDED_MODEL = resolve(__dirname, '..', '..', 'models', 'tiny');

const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const SECRET_KEYS = new Set(['HF_TOKEN', 'API_KEYS', 'WEBHOOK_SECRET', 'UPSTREAM_API_KEY']);

/** Every server setting: environment variable name -> schema with default. CLI flags override. */
const schema = z.object({
  MODEL: z.string().min(1).default(EMBEDDED_MODEL),
  MODEL_REVISION: z.string().min(1).default('main'),
  SERVED_MODEL_NAME: z.string().min(1).optional(),
  HF_TOKEN: z.string().min(1).optional(),
  HF_ENDPOINT: z.url().default('https://huggingface.co'),
  HF_HUB_OFFLINE: boolean.default(false),
  CACHE_DIR: z
    .string()
    .min(1)
    .default(join(homedir(), '.cache', 'llm-deploy')),
  /** Unset: chosen by what MODEL holds (engine/choose-engine.ts). */
  ENGINE: z.enum(ENGINES).optional(),
  GGUF_FILE: z.string().min(1).optional(),
  QUANT: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, 'a quantization label such as Q4_K_M, Q8_0 or F16')
    .optional(),
  THREADS: integer(1, 1024).optional(),
  CONTEXT_SIZE: integer(16, 10_000_000).optional(),
  UPSTREAM_URL: z.url({ protocol: /^https?$/ }).optional(),
  UPSTREAM_API_KEY: z.string().min(1).optional(),
  UPSTREAM_MODEL: z.string().min(1).optional(),
  UPSTREAM_TIMEOUT_SECONDS: integer(1, 3600).default(60),
  UPSTREAM_READY_TIMEOUT_SECONDS: integer(0, 7 * 24 * 3600).default(1800),
  UPSTREAM_HEALTH_INTERVAL_SECONDS: integer(1, 3600).default(5),
  DEVICE: z.enum(DEVICES).default('cpu'),
  DTYPE: z.enum(DTYPES).default('fp32'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(8080),
  METRICS_PORT: integer(0, 65535).default(9090),
  MAX_CONCURRENT: integer(1, 1024).default(8),
  KV_CACHE_MIB: integer(1, 1024 * 1024).default(1024),
  PREFILL_CHUNK_TOKENS: integer(1, 1_000_000).default(64),
  BATCH_WAIT_MS: integer(0, 1000).default(10),
  MAX_QUEUE: integer(0, 100000).default(16),
  MAX_N: integer(1, 16).default(4),
  MAX_NEW_TOKENS: integer(1, 1_000_000).default(2048),
  PREDICTION_TTL_SECONDS: integer(1, 7 * 24 * 3600).default(600),
  MAX_STORED_PREDICTIONS: integer(1, 1_000_000).default(1000),
  SHUTDOWN_GRACE_SECONDS: integer(0, 3600).default(25),
  MODERATION: z.enum(['on', 'off']).default('on'),
  MODERATION_POLICY_FILE: z.string().min(1).optional(),
  MODERATION_MODE: z.enum(['extend', 'replace']).default('extend'),
  MODERATION_MODEL: z.string().min(1).optional(),
  MODERATION_MODEL_REVISION: z.string().min(1).default('main'),
  MODERATION_MODEL_THRESHOLD: z.coerce.number().gt(0).max(1).default(0.5),
  MODERATION_MODEL_LABELS: z.string().min(1).optional(),
  DISCLOSURE_TEXT: z.string().min(1).max(1000).optional(),
  API_KEYS: z.string().optional(),
  API_KEYS_FILE: z.string().min(1).optional(),
  MAX_BODY_BYTES: integer(1024, 1024 ** 3).default(1024 * 1024),
  BODY_TIMEOUT_SECONDS: integer(1, 3600).default(30),
  MAX_PROMPT_TOKENS: integer(1, 10_000_000).optional(),
  RATE_LIMIT_RPM: integer(0, 10_000_000).default(0),
  RATE_LIMIT_TPM: integer(0, 1_000_000_000).default(0),
  REQUEST_TIMEOUT_SECONDS: integer(1, 86_400).default(600),
  LOG_PROMPTS: boolean.default(false),
  PLAYGROUND: boolean.default(true),
  WEBHOOK_SECRET: z
    .string()
    .refine((secret) => webhookKey(secret) !== undefined, {
      message:
        'must be whsec_ followed by the base64 of a 24-64 byte key, e.g. "whsec_$(openssl rand -base64 32)"',
    })
    .optional(),
  WEBHOOK_ALLOW_PRIVATE: boolean.default(false),
  CORS_ORIGINS: z
    .string()
    .transform((list, ctx) => parseOrigins(list, ctx))
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServerConfig = ReturnType<typeof toConfig>;
/** The environment variables the server reads; infra builds the containers' env with these names. */
export type ServerEnvName = keyof z.input<typeof schema>;
export type ConfigEnv = Partial<Record<ServerEnvName, string>>;

/** Thrown with every problem at once, one line each, naming the variable and the value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Reads the server configuration from `env` (process.env by default) with `overrides` on top. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigEnv = {},
): ServerConfig {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = overrides[key as keyof ConfigEnv] ?? env[key];
    raw[key] = value === '' ? undefined : value;
  }
  const parsed = schema
    .superRefine(checkModeration)
    .superRefine(checkEngineSettings)
    .superRefine(checkUpstream)
    .safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        return `${key} (${shownValue(key, raw[key])}): ${issue.message}`;
      }),
    );
  }
  return toConfig(parsed.data);
}

/** A setting's value as an error may show it: secrets never, a URL without its credentials. */
function shownValue(key: string, value: string | undefined): string {
  if (SECRET_KEYS.has(key)) return '<secret>';
  if (value !== undefined && URL.canParse(value)) {
    const url = new URL(value);
    if (url.username || url.password)
      return JSON.stringify(`${url.protocol}//<credentials>@${url.host}${url.pathname}`);
  }
  return JSON.stringify(value);
}

function toConfig(c: z.output<typeof schema>) {
  return {
    model: c.MODEL,
    revision: c.MODEL_REVISION,
    servedModelName: c.SERVED_MODEL_NAME ?? c.UPSTREAM_MODEL ?? defaultModelName(c.MODEL),
    hub: {
      endpoint: c.HF_ENDPOINT,
      token: c.HF_TOKEN,
      cacheDir: c.CACHE_DIR,
      offline: c.HF_HUB_OFFLINE,
    },
    /** Undefined: chosen by what the model folder, file or repository holds. */
    engine: c.ENGINE,
    /** ENGINE=openai-upstream: the OpenAI-compatible engine this server fronts (vLLM, ...). */
    upstream: c.UPSTREAM_URL
      ? {
          url: c.UPSTREAM_URL,
          apiKey: c.UPSTREAM_API_KEY,
          model: c.UPSTREAM_MODEL,
          timeoutSeconds: c.UPSTREAM_TIMEOUT_SECONDS,
          readyTimeoutSeconds: c.UPSTREAM_READY_TIMEOUT_SECONDS,
          healthIntervalSeconds: c.UPSTREAM_HEALTH_INTERVAL_SECONDS,
        }
      : undefined,
    device: c.DEVICE,
    dtype: c.DTYPE,
    /** Which GGUF file of a folder or Hub repository (llama.cpp engine). */
    gguf: { file: c.GGUF_FILE, quant: c.QUANT },
    /** CPU threads for decoding (llama.cpp engine); undefined: one per physical core. */
    threads: c.THREADS,
    /** Tokens of context per concurrent generation (llama.cpp engine); undefined: the model's. */
    contextSize: c.CONTEXT_SIZE,
    host: c.HOST,
    port: c.PORT,
    metricsPort: c.METRICS_PORT,
    batching: {
      kvCacheBytes: c.KV_CACHE_MIB * 1024 * 1024,
      prefillChunkTokens: c.PREFILL_CHUNK_TOKENS,
      batchWaitMs: c.BATCH_WAIT_MS,
    },
    limits: {
      maxConcurrent: c.MAX_CONCURRENT,
      maxQueue: c.MAX_QUEUE,
      maxN: c.MAX_N,
      maxNewTokens: c.MAX_NEW_TOKENS,
    },
    predictions: { ttlSeconds: c.PREDICTION_TTL_SECONDS, maxStored: c.MAX_STORED_PREDICTIONS },
    auth: {
      keys: (c.API_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k.length > 0),
      keysFile: c.API_KEYS_FILE,
    },
    bodyLimitBytes: c.MAX_BODY_BYTES,
    bodyTimeoutSeconds: c.BODY_TIMEOUT_SECONDS,
    maxPromptTokens: c.MAX_PROMPT_TOKENS,
    rateLimit: { requestsPerMinute: c.RATE_LIMIT_RPM, tokensPerMinute: c.RATE_LIMIT_TPM },
    requestTimeoutSeconds: c.REQUEST_TIMEOUT_SECONDS,
    logPrompts: c.LOG_PROMPTS,
    shutdownGraceSeconds: c.SHUTDOWN_GRACE_SECONDS,
    /** The web playground (/playground, /docs, /playground/info); off leaves the APIs only. */
    playground: c.PLAYGROUND,
    moderation: {
      enabled: c.MODERATION === 'on',
      policyFile: c.MODERATION_POLICY_FILE,
      mode: c.MODERATION_MODE,
      model: c.MODERATION_MODEL
        ? {
            source: c.MODERATION_MODEL,
            revision: c.MODERATION_MODEL_REVISION,
            threshold: c.MODERATION_MODEL_THRESHOLD,
            blockingLabels: labelList(c.MODERATION_MODEL_LABELS ?? ''),
          }
        : undefined,
    },
    disclosureText: c.DISCLOSURE_TEXT,
    /** Cog's and Replicate's webhooks: the signing secret (random per process if unset). */
    webhooks: { secret: c.WEBHOOK_SECRET, allowPrivate: c.WEBHOOK_ALLOW_PRIVATE },
    /** Origins whose browser pages may call the API; empty: no cross-origin access. */
    corsOrigins: c.CORS_ORIGINS ?? [],
    logLevel: c.LOG_LEVEL,
  };
}

type RawSettings = z.output<typeof schema>;

/** Settings that only make sense together, checked after each one parsed. */
function checkModeration(c: RawSettings, ctx: z.RefinementCtx): void {
  if (c.MODERATION_MODEL && labelList(c.MODERATION_MODEL_LABELS ?? '').length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['MODERATION_MODEL_LABELS'],
      message:
        "name the classifier's labels that block, comma-separated (e.g. toxic,threat); see the model's config.json id2label",
    });
  }
  for (const key of ['MODERATION_POLICY_FILE', 'MODERATION_MODEL'] as const) {
    if (c.MODERATION === 'off' && c[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `moderation is off (MODERATION=off); unset ${key} or turn moderation on`,
      });
    }
  }
}

/** GGUF_FILE and QUANT choose a GGUF file: one at most, and only for the llama.cpp engine. */
function checkEngineSettings(c: RawSettings, ctx: z.RefinementCtx): void {
  if (c.GGUF_FILE && c.QUANT) {
    ctx.addIssue({
      code: 'custom',
      path: ['QUANT'],
      message: 'GGUF_FILE already names the file; set one of GGUF_FILE and QUANT',
    });
  }
  for (const key of ['GGUF_FILE', 'QUANT'] as const) {
    if (c[key] && c.ENGINE && c.ENGINE !== 'llamacpp') {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} chooses a GGUF file for ENGINE=llamacpp, but ENGINE is ${c.ENGINE}`,
      });
    }
  }
}

/** `*`, or origins as browsers send them: scheme://host[:port], no path. */
function parseOrigins(list: string, ctx: z.RefinementCtx): string[] {
  const origins = list
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of origins) {
    if (origin === '*') continue;
    const parsed = URL.parse(origin);
    if (parsed?.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(origin)} is not an origin: write scheme://host[:port] with no path or trailing slash (e.g. https://app.example.com), or * for any`,
      });
    }
  }
  if (origins.includes('*') && origins.length > 1)
    ctx.addIssue({ code: 'custom', message: '* already allows every origin; list origins or *' });
  return origins;
}

/** The upstream settings belong to ENGINE=openai-upstream, which needs at least the URL. */
function checkUpstream(c: RawSettings, ctx: z.RefinementCtx): void {
  const upstream = c.ENGINE === 'openai-upstream';
  if (upstream && !c.UPSTREAM_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['UPSTREAM_URL'],
      message:
        "ENGINE=openai-upstream needs the engine's base URL, e.g. http://127.0.0.1:8000 (vLLM's default port)",
    });
  }
  if (upstream && !c.UPSTREAM_MODEL && !c.SERVED_MODEL_NAME) {
    ctx.addIssue({
      code: 'custom',
      path: ['UPSTREAM_MODEL'],
      message:
        "name the model: UPSTREAM_MODEL, the engine's name for it (vLLM's --served-model-name), or SERVED_MODEL_NAME, ours (the engine's is then the only one it lists)",
    });
  }
  if (c.UPSTREAM_URL && URL.canParse(c.UPSTREAM_URL)) {
    const url = new URL(c.UPSTREAM_URL);
    if (url.username || url.password) {
      ctx.addIssue({
        code: 'custom',
        path: ['UPSTREAM_URL'],
        message: 'put no credentials in the URL; give the key as UPSTREAM_API_KEY',
      });
    }
  }
  for (const key of ['UPSTREAM_URL', 'UPSTREAM_API_KEY', 'UPSTREAM_MODEL'] as const) {
    if (!upstream && c[key]) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is read only with ENGINE=openai-upstream (ENGINE is ${c.ENGINE ?? 'unset'}); set ENGINE or unset ${key}`,
      });
    }
  }
}

function labelList(labels: string): string[] {
  return labels
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label.length > 0);
}

/** A Hub id names itself; a folder by its last path segment, a GGUF file by its name. */
function defaultModelName(model: string): string {
  return /^[\w.-]+\/[\w.-]+$/.test(model) && !model.startsWith('.')
    ? model
    : basename(resolve(model)).replace(/\.gguf$/i, '');
}
