/**
 * The application-code face of the in-process API: `router.chat({ model, fallback, maxPrice,
 * messages })`. A thin mapping onto the canonical request (`fallback` → `models`, `maxPrice` →
 * `provider.max_price`), run by `gateway.chat` through the whole chain.
 *
 * @example
 * const router = createChatRouter(gateway, { caller: { id: 'billing-job', team: 'finance', labels: {} } });
 * const answer = await router.chat({
 *   model: 'gpt-4o',
 *   fallback: ['claude-sonnet', 'mock-small'],
 *   maxPrice: { prompt: 5, completion: 15 },
 *   messages: [{ role: 'user', content: 'Summarise this invoice.' }],
 * });
 */
import type { InProcessChat, InProcessOptions } from './in-process.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ProviderPreferences,
} from './types/openai.js';

/** A chat request with the router's spellings (`models` and `provider` still work as well). */
export interface RouterChatRequest extends ChatCompletionRequest {
  /** Models to try, in order, after `model` fails (the request's `models`). */
  fallback?: string[];
  /** Highest price per million tokens, USD (the request's `provider.max_price`). */
  maxPrice?: ProviderPreferences['max_price'];
}

export interface ChatRouter {
  chat(
    request: RouterChatRequest & { stream: true },
    options?: InProcessOptions,
  ): Promise<AsyncIterableIterator<ChatCompletionChunk>>;
  chat(
    request: RouterChatRequest & { stream?: false | null },
    options?: InProcessOptions,
  ): Promise<ChatCompletion>;
}

/** Maps the router's fields onto a canonical chat request. */
export function toChatRequest(request: RouterChatRequest): ChatCompletionRequest {
  const { fallback, maxPrice, ...rest } = request;
  const out: ChatCompletionRequest = { ...rest };
  if (fallback !== undefined && fallback.length > 0) out.models = fallback;
  if (maxPrice !== undefined) out.provider = { ...rest.provider, max_price: maxPrice };
  return out;
}

/** A router over `gateway.chat`; `defaults` (the caller, headers) apply to every call. */
export function createChatRouter(
  gateway: { chat: InProcessChat },
  defaults: InProcessOptions = {},
): ChatRouter {
  return {
    chat: ((request: RouterChatRequest, options: InProcessOptions = {}) =>
      gateway.chat(toChatRequest(request), {
        ...defaults,
        ...options,
        headers: { ...defaults.headers, ...options.headers },
      })) as ChatRouter['chat'],
  };
}
