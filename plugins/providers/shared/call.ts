import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { SignalLike } from '../../../core/request-abort.js';
import { createAbortScope, type AbortScope } from './abort-scope.js';
import {
  errorFromResponse,
  errorFromTransport,
  invalidResponse,
  totalTimeout,
  type ErrorContext,
} from './errors.js';
import type { HttpClient, UpstreamResponse } from './http-client.js';
import { BodyTooLargeError, readBodyText } from './read-body.js';

// Error bodies are a paragraph; anything bigger is an HTML page or worse and is cut off.
const ERROR_BODY_LIMIT = 64 * 1024;
// Large enough for a long completion or a big embeddings batch.
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export interface CallRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The caller's signal, or the request's RequestAbort. */
  signal: SignalLike;
}

/** A 2xx response whose body has not been read yet, with the scope that can still abort it. */
export interface AcceptedCall {
  response: UpstreamResponse;
  scope: AbortScope;
  /** The call's error context: whatever fails later is scrubbed of the credentials this call sent. */
  ctx: ErrorContext;
}

/**
 * What to throw for an error raised while talking to the upstream. The caller's own abort is
 * not an upstream failure: its reason is rethrown unchanged so the dispatcher sees its own
 * signal's verdict (client closed, deadline, shutdown).
 */
export function failure(ctx: ErrorContext, scope: AbortScope, error: unknown): unknown {
  if (scope.callerAborted) return scope.callerReason;
  if (scope.timedOut) return totalTimeout(ctx);
  if (SwitchyardError.isInstance(error)) return error;
  if (error instanceof BodyTooLargeError) return invalidResponse(ctx, error.message);
  return errorFromTransport(ctx, error);
}

/** Sends a POST and resolves once the upstream answered 2xx; any other answer is thrown mapped. */
export async function sendCall(
  client: HttpClient,
  ctx: ErrorContext,
  request: CallRequest,
): Promise<AcceptedCall> {
  const scope = createAbortScope(request.signal, ctx.timeouts.totalMs);
  let response: UpstreamResponse;
  try {
    response = await client.post(request.path, request.headers, request.body, scope.signal);
  } catch (error) {
    scope.dispose();
    throw failure(ctx, scope, error);
  }
  // Whoever ends up owning the body, the timer and caller listener go when the body does.
  response.body.onClose(scope.dispose);
  if (response.statusCode >= 200 && response.statusCode < 300) return { response, scope, ctx };

  let text: string;
  try {
    text = await readBodyText(response.body, ERROR_BODY_LIMIT);
  } catch (error) {
    scope.dispose();
    // A truncated error page still says enough through its status.
    if (!(error instanceof BodyTooLargeError) || scope.signal.aborted) throw failure(ctx, scope, error);
    text = '';
  }
  scope.dispose();
  throw errorFromResponse(ctx, response.statusCode, response.headers, text);
}

/** Reads and parses an accepted call's JSON body; broken JSON is an invalid response. */
export async function readJson(call: AcceptedCall): Promise<unknown> {
  const { ctx } = call;
  let text: string;
  try {
    text = await readBodyText(call.response.body, JSON_BODY_LIMIT);
  } catch (error) {
    throw failure(ctx, call.scope, error);
  } finally {
    call.scope.dispose();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidResponse(ctx, 'the body is not JSON', error);
  }
}
