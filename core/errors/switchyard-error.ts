import { ERROR_CODES, type ErrorCode } from './codes.js';
import type { OpenAIErrorBody } from '../types/openai.js';

// A registered symbol, not `instanceof`, so two copies of the package (a plugin that bundles
// its own) still recognise each other's errors.
const BRAND = Symbol.for('switchyard.error');

export interface SwitchyardErrorOptions {
  /** Overrides the table's status (for example an upstream's own 4xx). */
  status?: number;
  /** Overrides the table's retryable flag. */
  retryable?: boolean;
  /** The request field the error is about, reported as the OpenAI `param`. */
  param?: string | null;
  /** How long the upstream asked us to wait, when it said so. */
  retryAfterMs?: number;
  /** Extra response headers the client should get with the error (`x-ratelimit-*`). */
  headers?: Readonly<Record<string, string>>;
  /** The provider that failed, for attempt records. */
  provider?: string;
  cause?: unknown;
}

/** The one error class of Switchyard. Clients always see it in the OpenAI error shape. */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly retryable: boolean;
  readonly expose: boolean;
  readonly param: string | null;
  readonly retryAfterMs: number | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly provider: string | undefined;

  constructor(code: ErrorCode, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = ERROR_CODES[code];
    this.name = 'SwitchyardError';
    this.code = code;
    this.status = options.status ?? spec.status;
    this.type = spec.type;
    this.retryable = options.retryable ?? spec.retryable;
    this.expose = spec.expose;
    this.param = options.param ?? null;
    this.retryAfterMs = options.retryAfterMs;
    this.headers = options.headers;
    this.provider = options.provider;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any SwitchyardError, including ones made by another copy of the package. */
  static isInstance(value: unknown): value is SwitchyardError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** The OpenAI error body for this error; unexposed errors keep their message to the logs. */
  toOpenAI(): OpenAIErrorBody {
    return {
      error: {
        message: this.expose ? this.message : ERROR_CODES[this.code].summary,
        type: this.type,
        param: this.param,
        code: this.code,
      },
    };
  }
}

/** Wraps anything thrown into a SwitchyardError; unknown errors become SY_ERR_INTERNAL. */
export function toSwitchyardError(error: unknown): SwitchyardError {
  if (SwitchyardError.isInstance(error)) return error;
  return new SwitchyardError('SY_ERR_INTERNAL', error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** Whether `error` says the client (or in-process caller) went away: an ending, not a failure. */
export function isClientClosed(error: unknown): boolean {
  return SwitchyardError.isInstance(error) && error.code === 'SY_ERR_CLIENT_CLOSED';
}
