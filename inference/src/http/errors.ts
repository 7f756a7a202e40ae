import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ContentFiltered,
  DomainError,
  Forbidden,
  ModelNotFound,
  ModelNotReady,
  Overloaded,
  ShuttingDown,
  UnknownPrediction,
  Unauthorized,
  RateLimited,
  ValidationError,
  type ValidationIssue,
} from '../errors';

/**
 * Which wire shape a route's errors take; set per route as `config.protocol`. `openai+replicate`
 * is `GET /v1/models/{owner}/{name}`, both OpenAI's retrieve of a slashed model id and Replicate's
 * get-model: its errors carry both shapes' fields, which do not collide.
 */
export type Protocol = 'openai' | 'cog' | 'replicate' | 'openai+replicate' | 'plain';

export interface HttpError {
  status: number;
  /** Stable, bounded: doubles as a metric label. */
  type: string;
  message: string;
  param?: string;
  code?: string;
  retryAfterSeconds?: number;
  /** Every problem of an invalid request, located (Cog's 422 lists them). */
  issues?: readonly ValidationIssue[];
}

/** The one mapping from errors to HTTP. Unknown errors become a 500 without internals. */
export function toHttpError(error: unknown, protocol: Protocol): HttpError {
  if (error instanceof DomainError) return fromDomainError(error, protocol);
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (protocol === 'cog' && fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return jsonDecodeError(fastifyError);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      type: fastifyType(status),
      message: clientMessage(fastifyError),
    };
  }
  return {
    status: 500,
    type: 'internal_error',
    message: 'internal server error; the request was logged with its id',
  };
}

function fromDomainError(error: DomainError, protocol: Protocol): HttpError {
  const base = { type: error.type, message: error.message, param: error.param };
  if (error instanceof Overloaded) {
    // Cog answers a full server with 409; OpenAI and Replicate clients expect 429 and back off.
    return {
      ...base,
      status: protocol === 'cog' ? 409 : 429,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  if (error instanceof Unauthorized) return { ...base, status: 401, code: 'invalid_api_key' };
  if (error instanceof Forbidden) return { ...base, status: 403 };
  if (error instanceof RateLimited)
    return { ...base, status: 429, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof ModelNotReady || error instanceof ShuttingDown)
    return { ...base, status: 503, retryAfterSeconds: 5 };
  if (error instanceof ModelNotFound) return { ...base, status: 404, code: 'model_not_found' };
  if (error instanceof UnknownPrediction) return { ...base, status: 404 };
  if (error instanceof ContentFiltered) return { ...base, status: 400, code: 'content_filter' };
  // Cog (FastAPI) and Replicate answer invalid input with 422; OpenAI with 400.
  if (error instanceof ValidationError && (protocol === 'cog' || protocol === 'replicate'))
    return { ...base, status: 422, issues: error.issues };
  return { ...base, status: 400 };
}

/** FastAPI answers a body that is not JSON with a 422 locating the character it stopped at. */
function jsonDecodeError(error: Partial<FastifyError> & { position?: number }): HttpError {
  const position = error.position ?? 0;
  return {
    status: 422,
    type: 'invalid_request_error',
    message: clientMessage(error),
    issues: [{ loc: ['body', position], msg: 'JSON decode error', type: 'json_invalid' }],
  };
}

function fastifyType(status: number): string {
  if (status === 413) return 'request_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 408) return 'request_timeout';
  if (status === 404) return 'not_found';
  return 'invalid_request_error';
}

function clientMessage(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported Content-Type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'request body is empty; send a JSON object';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return `request body is not valid JSON: ${error.message ?? ''}`.trim();
    default:
      return error.message ?? 'bad request';
  }
}

/** Renders an HttpError in the route's protocol's shape. */
export function sendError(reply: FastifyReply, error: HttpError, protocol: Protocol): FastifyReply {
  if (error.retryAfterSeconds !== undefined)
    reply.header('Retry-After', String(error.retryAfterSeconds));
  if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  reply.code(error.status);
  if (protocol === 'openai') return reply.send({ error: openAIError(error) });
  // Cog's clients read FastAPI's HTTPValidationError: `detail` lists each problem with its location.
  if (protocol === 'cog' && error.status === 422)
    return reply.send({ detail: error.issues ?? defaultIssues(error) });
  // Replicate's and Cog's clients read `detail`; `status` and `title` follow RFC 7807 as Replicate does.
  const problem = { detail: error.message, status: error.status, title: error.type };
  if (protocol === 'openai+replicate') return reply.send({ ...problem, error: openAIError(error) });
  return reply.send(problem);
}

function openAIError(error: HttpError) {
  return {
    message: error.message,
    type: openAIErrorType(error.status),
    param: error.param ?? null,
    code: error.code ?? error.type,
  };
}

function defaultIssues(error: HttpError): ValidationIssue[] {
  const field = error.param && error.param !== 'body' ? error.param.split('.') : [];
  return [{ loc: ['body', ...field], msg: error.message, type: 'value_error' }];
}

/**
 * Replicate's API shares OpenAI's `/v1/` prefix. Paths of Replicate's resources keep Replicate's
 * shape (a route that is not here still answers as Replicate would); the rest of `/v1/` is OpenAI's.
 */
const REPLICATE_PREFIXES = [
  'predictions',
  'deployments',
  'trainings',
  'webhooks',
  'collections',
  'hardware',
  'account',
];

export function protocolOf(request: FastifyRequest): Protocol {
  const fromRoute = (request.routeOptions?.config as { protocol?: Protocol } | undefined)?.protocol;
  if (fromRoute) return fromRoute;
  const path = request.url.split('?')[0];
  if (path !== '/v1' && !path.startsWith('/v1/')) return 'plain';
  const segments = path.slice('/v1/'.length).split('/');
  if (REPLICATE_PREFIXES.includes(segments[0])) return 'replicate';
  // /v1/models/{owner}/{name}/... is Replicate's; /v1/models/{model} is OpenAI's.
  if (segments[0] === 'models' && segments.length === 3) return 'openai+replicate';
  if (segments[0] === 'models' && segments.length > 3) return 'replicate';
  return 'openai';
}

/** OpenAI's SDKs branch on these `type` strings; our own stable type travels in `code`. */
function openAIErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
