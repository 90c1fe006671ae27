/**
 * Calling the gateway from application code, without HTTP: `gateway.chat(request, options)` runs
 * the same chain as `/v1/chat/completions` (policies, guardrails, routing, cache, budgets,
 * accounting) on a context built by the same function, and returns the completion — or, for
 * `stream: true`, an async iterator of chunks. Failures are thrown as SwitchyardError.
 */
import type { Caller, ChatContext } from './context.js';
import { SwitchyardError, toSwitchyardError } from './errors/switchyard-error.js';
import { ChatStream } from './stream/chat-stream.js';
import { validateChatRequest } from './http/validate-request.js';
import type { ExchangeDeps } from './http/exchange.js';
import { RequestAbort } from './request-abort.js';
import { createRequestContext, newRequestId, runContext } from './request-context.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from './types/openai.js';

export interface InProcessOptions {
  /**
   * Who is calling. Trusted as given: the auth stage neither asks `identify` nor checks keys
   * (the caller's allow-lists, limits and budgets still apply). Without it the call is
   * authenticated like an HTTP request, from `headers`.
   */
  caller?: Caller;
  /** Aborting it cancels the call, the upstream request included. */
  signal?: AbortSignal;
  /** Request headers the stages may read (`x-switchyard-explain`, `authorization`, …). */
  headers?: Readonly<Record<string, string>>;
}

/** `gateway.chat`: a completion, or for `stream: true` the stream's chunks. */
export interface InProcessChat {
  (
    request: ChatCompletionRequest & { stream: true },
    options?: InProcessOptions,
  ): Promise<AsyncIterableIterator<ChatCompletionChunk>>;
  (
    request: ChatCompletionRequest & { stream?: false | null },
    options?: InProcessOptions,
  ): Promise<ChatCompletion>;
  (
    request: ChatCompletionRequest,
    options?: InProcessOptions,
  ): Promise<ChatCompletion | AsyncIterableIterator<ChatCompletionChunk>>;
}

/** Makes `gateway.chat`; `current` gives the live configuration's chain (it changes on reload). */
export function createInProcessChat(current: () => ExchangeDeps): InProcessChat {
  async function chat(
    request: ChatCompletionRequest,
    options: InProcessOptions = {},
  ): Promise<ChatCompletion | AsyncIterableIterator<ChatCompletionChunk>> {
    const { services, chain, inflight, events } = current();
    // A copy: stages may rewrite the request (pseudonyms, defaults); the caller's object stays as is.
    const validated = validateChatRequest(structuredClone(request));
    if (inflight.closing) {
      throw new SwitchyardError('SY_ERR_GATEWAY_SHUTTING_DOWN', 'The gateway is shutting down.');
    }
    options.signal?.throwIfAborted();
    const abort = new RequestAbort();
    inflight.add(abort);
    const cancel = () =>
      abort.abort(new SwitchyardError('SY_ERR_CLIENT_CLOSED', 'The caller aborted the request.'));
    options.signal?.addEventListener('abort', cancel, { once: true });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      options.signal?.removeEventListener('abort', cancel);
      inflight.remove(abort);
    };
    // The same context as an HTTP request's (request-context.ts), with the caller's own identity.
    const ctx = createRequestContext<ChatContext>(
      services,
      abort,
      {
        requestId: newRequestId(),
        headers: lowerCased(options.headers),
        host: { kind: 'in-process' },
        caller: options.caller,
      },
      'chat',
      validated,
    );
    try {
      await runContext(ctx, chain, events);
    } catch (error) {
      finish();
      throw toSwitchyardError(error);
    }
    if (ctx.stream === undefined) {
      finish();
      return ctx.response as ChatCompletion;
    }
    return tracked(
      ctx.stream,
      () => {
        // Left before the end (break, return): the upstream call is cancelled.
        if (!abort.aborted) cancel();
      },
      finish,
    );
  }
  return chat as InProcessChat;
}

function tracked(
  stream: AsyncIterable<ChatCompletionChunk>,
  onEarlyExit: () => void,
  finish: () => void,
): AsyncIterableIterator<ChatCompletionChunk> {
  const observed = ChatStream.from(stream).use({
    error: (error) => toSwitchyardError(error),
    finally(outcome) {
      // Left before the end (break, return): the upstream call is cancelled.
      if (outcome === 'closed') onEarlyExit();
      finish();
    },
  });
  return observed[Symbol.asyncIterator]();
}

function lowerCased(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name] as string;
  return out;
}
