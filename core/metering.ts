/**
 * Token counts for when a provider reports no usage (a cut stream, a provider without usage), and
 * cheap estimates for admission checks before a call (rate limits, worst-case budget reservations,
 * the prompt-length guardrail).
 *
 * Two counters share one shape of the chat format (OpenAI's: 4 tokens per message for its framing
 * and role, 1 more plus the name's tokens when a message has a `name`, 3 for the reply's priming,
 * 85 per image, tool calls and tool definitions counted as their JSON text):
 *
 * - usage a provider did not report (`answerUsage`, `StreamMeter.usage`) is counted with a real
 *   BPE tokenizer (gpt-tokenizer, ranks shipped in the package, nothing fetched): `o200k_base` for
 *   the GPT-4o, GPT-4.1/4.5, GPT-5, o-series and gpt-oss families, `cl100k_base` for every other
 *   model (exact for GPT-4 and GPT-3.5, an approximation for other vendors' models). The texts of
 *   one usage go in one batch to the token-count worker (core/token-counter.ts), so loading an
 *   encoding (0.1–0.3 s) or counting a long prompt never pauses the event loop; hence async.
 *   `countPromptTokens`/`countTextTokens` count the same in the calling thread (tests).
 * - `estimatePromptTokens`/`estimateTextTokens`, used at admission where every request pays for
 *   it, take a quarter of the UTF-8 byte length (the usual "4 characters per token" for English,
 *   closer than character counts for other scripts): microseconds and no tokenizer to load.
 *
 * Usage the gateway counted says `estimated: true`: the prompt count matches OpenAI's for plain
 * text messages, while tool definitions, tool calls and images are approximations.
 */
import type { ModelPricing } from './config/types.js';
import { StreamChunk } from './stream/stream-chunk.js';
import type { UsageRecord } from './context.js';
import { countText, type EncodingName } from './token-encodings.js';
import { countTokensOffThread } from './token-counter.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
} from './types/openai.js';
import { costUsd, usageRecord } from './usage.js';

export type { EncodingName } from './token-encodings.js';

const PER_MESSAGE = 4;
const PER_NAME = 1;
const PRIMING = 3;
const PER_IMAGE = 85;

/** Counts the tokens of a text. */
type TextCounter = (text: string) => number;

export function estimateTextTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(Buffer.byteLength(text) / 4);
}

const O200K_MODELS = /^(?:gpt-4o|chatgpt-4o|gpt-4\.[15]|gpt-5|o[134](?:-|$)|gpt-oss|codex-|omni-)/;

/** The encoding used to count a model's tokens; a provider prefix (`openai/`) is ignored. */
export function encodingFor(model: string | undefined): EncodingName {
  const name = (model ?? '').slice((model ?? '').lastIndexOf('/') + 1).toLowerCase();
  return O200K_MODELS.test(name) ? 'o200k_base' : 'cl100k_base';
}

/** The tokens of a text under the model's tokenizer (see `encodingFor`), in this thread. */
export function countTextTokens(text: string, model: string | undefined): number {
  return countText(text, encodingFor(model));
}

function contentTokens(content: unknown, count: TextCounter): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content as { type?: string; text?: unknown }[]) {
    if (typeof part?.text === 'string') tokens += count(part.text);
    else if (part?.type === 'image_url' || part?.type === 'input_image') tokens += PER_IMAGE;
    else if (part !== null && typeof part === 'object') tokens += count(JSON.stringify(part));
  }
  return tokens;
}

function promptTokens(request: ChatCompletionRequest | EmbeddingsRequest, count: TextCounter): number {
  if ('messages' in request && Array.isArray(request.messages)) {
    let tokens = PRIMING;
    for (const message of request.messages) {
      tokens += PER_MESSAGE + contentTokens(message.content, count);
      if (typeof message.name === 'string') tokens += PER_NAME + count(message.name);
      if (message.tool_calls) tokens += count(JSON.stringify(message.tool_calls));
    }
    if (request.tools) tokens += count(JSON.stringify(request.tools));
    return tokens;
  }
  const input = (request as EmbeddingsRequest).input;
  if (typeof input === 'string') return count(input);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') tokens += count(item);
    else if (typeof item === 'number') tokens += 1;
    else tokens += item.length;
  }
  return tokens;
}

/** The cheap prompt estimate, for admission checks (rate limits, budget reservations). */
export function estimatePromptTokens(request: ChatCompletionRequest | EmbeddingsRequest): number {
  return promptTokens(request, estimateTextTokens);
}

/** The prompt's tokens under the model's tokenizer, in this thread (see `countedUsage`). */
export function countPromptTokens(
  request: ChatCompletionRequest | EmbeddingsRequest,
  model: string | undefined,
): number {
  return promptTokens(request, (text) => countTextTokens(text, model));
}

/**
 * Usage counted with the model's tokenizer in the token-count worker, marked estimated: the
 * prompt's texts and the completion's in one batch, the chat format's overheads added here.
 */
async function countedUsage(
  request: ChatCompletionRequest | EmbeddingsRequest,
  completion: string,
  model: string | undefined,
  pricing: ModelPricing | undefined,
): Promise<UsageRecord> {
  const texts: string[] = [];
  const overhead = promptTokens(request, (text) => {
    if (text.length > 0) texts.push(text);
    return 0;
  });
  texts.push(completion);
  const counts = await countTokensOffThread(texts, encodingFor(model));
  let prompt = overhead;
  for (let i = 0; i < counts.length - 1; i++) prompt += counts[i] as number;
  return estimatedUsage(prompt, counts.at(-1) ?? 0, pricing);
}

/** Text an answer carries, for counting its tokens. */
export function completionText(response: ChatCompletion): string {
  let text = '';
  for (const choice of response.choices) {
    text += choice.message.content ?? '';
    for (const call of choice.message.tool_calls ?? []) text += call.function.arguments;
  }
  return text;
}

/**
 * Follows a stream's chunks: the reported usage if any, else what was streamed, and when. It keeps
 * the streamed text (to count it when no usage comes, and for the ledger's content).
 */
export class StreamMeter {
  reported: ChatCompletionChunk['usage'] = undefined;
  /** The model the chunks name, for choosing the tokenizer. */
  model: string | undefined;
  firstOutputAt: number | undefined;
  /**
   * The streamed text in order: strings, and chunks nobody parsed (plain content deltas after the
   * first output), which are read only if the text is needed — no usage was reported, the
   * stream was cut, or the ledger keeps content. Bounded: past DEFER_LIMIT characters of such
   * chunks they are read at once.
   */
  #parts: (string | StreamChunk)[] = [];
  #deferredChars = 0;
  #finished = false;

  constructor(private readonly now: () => number) {}

  /** Follows one chunk; returns the usage it reports, if any. */
  observe(chunk: ChatCompletionChunk | StreamChunk): ChatCompletionChunk['usage'] {
    if (chunk instanceof StreamChunk) {
      // Usage comes with the finish reason or after it (`include_usage` adds a last chunk; a
      // server that repeats usage on every chunk ends with the final count anyway), so the text
      // of earlier chunks is not searched for it.
      if (!this.#finished && chunk.finishes()) this.#finished = true;
      // A chunk nobody parsed that reports no usage (usage() parses it if it might): only its
      // text matters, and only maybe; whether it is output the text can tell.
      if (!chunk.parsed && (!this.#finished || (chunk.usage() === undefined && !chunk.parsed))) {
        if (this.firstOutputAt === undefined && chunk.hasOutput()) this.firstOutputAt = this.now();
        this.#parts.push(chunk);
        this.#deferredChars += chunk.json().length;
        if (this.#deferredChars > DEFER_LIMIT) this.#resolve();
        return undefined;
      }
      chunk = chunk.chunk;
    }
    this.#observeParsed(chunk);
    return chunk.usage ?? undefined;
  }

  #observeParsed(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.reported = chunk.usage;
    if (this.model === undefined && typeof chunk.model === 'string') this.model = chunk.model;
    const piece = outputText(chunk);
    if (piece.length === 0) return;
    this.firstOutputAt ??= this.now();
    this.#parts.push(piece);
  }

  /** Everything streamed so far (content and tool-call arguments). */
  get text(): string {
    this.#resolve();
    return (this.#parts[0] as string | undefined) ?? '';
  }

  /** Whether anything reached the caller (a stream with no output is not charged). */
  get hadOutput(): boolean {
    return this.firstOutputAt !== undefined || Boolean(this.reported?.completion_tokens);
  }

  /** The usage the stream reported, priced; undefined when it reported none (yet). */
  reportedUsage(pricing: ModelPricing | undefined): UsageRecord | undefined {
    return usageRecord(this.reported, pricing);
  }

  /** The reported usage, else what was streamed counted in the token-count worker (estimated). */
  usage(request: ChatCompletionRequest, pricing: ModelPricing | undefined): Promise<UsageRecord> {
    const reported = this.reportedUsage(pricing);
    if (reported) return Promise.resolve(reported);
    return countedUsage(request, this.text, this.model ?? request.model, pricing);
  }

  /** Reads the deferred chunks and joins everything into one string. */
  #resolve(): void {
    let text = '';
    for (const part of this.#parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const chunk = part.chunk;
      if (this.model === undefined && typeof chunk.model === 'string') this.model = chunk.model;
      text += outputText(chunk);
    }
    this.#parts = text.length > 0 ? [text] : [];
    this.#deferredChars = 0;
  }
}

// Characters of chunk text a stream meter holds unread before reading it (bounds its memory).
const DEFER_LIMIT = 64 * 1024;

function outputText(chunk: ChatCompletionChunk): string {
  let text = '';
  for (const choice of chunk.choices) {
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string') text += delta.content;
    for (const call of delta.tool_calls ?? []) text += call.function?.arguments ?? '';
  }
  return text;
}

export function estimatedUsage(
  promptTokens: number,
  completionTokens: number,
  pricing: ModelPricing | undefined,
): UsageRecord {
  return {
    promptTokens,
    completionTokens,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: costUsd(promptTokens, 0, completionTokens, pricing),
    estimated: true,
  };
}

/**
 * The usage of a complete (non-streamed) answer: reported (resolved at once), or counted in the
 * token-count worker with the tokenizer of the model that answered (else the one asked for) and
 * marked estimated.
 */
export async function answerUsage(
  request: ChatCompletionRequest | EmbeddingsRequest,
  response: { usage?: unknown; model?: unknown } | undefined,
  pricing: ModelPricing | undefined,
): Promise<UsageRecord | undefined> {
  if (!response) return undefined;
  const reported = reportedAnswerUsage(response, pricing);
  if (reported) return reported;
  const model = typeof response.model === 'string' ? response.model : request.model;
  const completion = 'choices' in response ? completionText(response as ChatCompletion) : '';
  return countedUsage(request, completion, model, pricing);
}

/**
 * The usage an answer reports, priced, or undefined when it reports none: what answerUsage
 * returns without counting, synchronously (a stage need not await the usual case).
 */
export function reportedAnswerUsage(
  response: { usage?: unknown },
  pricing: ModelPricing | undefined,
): UsageRecord | undefined {
  return usageRecord(response.usage as Parameters<typeof usageRecord>[0], pricing);
}

/** USD → integer micro-USD, rounded up so a reservation never falls short. */
export function toMicros(usd: number): number {
  return Math.ceil(Math.round(usd * 1e9) / 1e3);
}
