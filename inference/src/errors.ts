/**
 * Domain errors. Each carries a stable `type` string that doubles as a metric label; http/errors.ts
 * is the one place that maps them to status codes and wire shapes.
 */
export abstract class DomainError extends Error {
  abstract readonly type: string;
  /** The request parameter at fault, where there is one (OpenAI's `param`). */
  readonly param?: string;
  constructor(message: string, param?: string) {
    super(message);
    this.name = new.target.name;
    this.param = param;
  }
}

/** Where a bad value sits and what is wrong with it, as FastAPI (Cog) reports each problem. */
export interface ValidationIssue {
  /** e.g. ['body', 'input', 'max_new_tokens'] or ['path', 'prediction_id'] */
  loc: (string | number)[];
  msg: string;
  /** pydantic's error type, e.g. 'less_than_equal', 'missing', 'int_type' */
  type: string;
}

/** The request is malformed or out of range. */
export class ValidationError extends DomainError {
  readonly type = 'invalid_request_error';
  constructor(
    message: string,
    param?: string,
    /** Every problem found, located; absent when the message is the only one. */
    readonly issues?: readonly ValidationIssue[],
  ) {
    super(message, param);
  }
}

/** No API key, or one that is not valid. */
export class Unauthorized extends DomainError {
  readonly type = 'authentication_error';
}

/** The caller is known (or the server is open) but may not see this. */
export class Forbidden extends DomainError {
  readonly type = 'permission_error';
}

/** This API key used up its requests or tokens for the minute. */
export class RateLimited extends DomainError {
  readonly type = 'rate_limit_exceeded';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Every generation slot and queue place is taken; retry later. */
export class Overloaded extends DomainError {
  readonly type = 'overloaded';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The model is still loading (or failed to load). */
export class ModelNotReady extends DomainError {
  readonly type = 'model_not_ready';
}

/** The server is draining before shutdown. */
export class ShuttingDown extends DomainError {
  readonly type = 'shutting_down';
}

/** A requested model name this endpoint does not serve. */
export class ModelNotFound extends DomainError {
  readonly type = 'model_not_found';
}

/** A prediction id this server does not know (or has forgotten). */
export class UnknownPrediction extends DomainError {
  readonly type = 'not_found';
}

/** The moderation filter blocked the input. */
export class ContentFiltered extends DomainError {
  readonly type = 'content_filter';
  constructor(
    message: string,
    readonly category: string,
  ) {
    super(message);
  }
}

/** Model configuration problems found at load time (missing folder, no ONNX weights, ...). */
export class ModelLoadError extends DomainError {
  readonly type = 'model_load_error';
}
