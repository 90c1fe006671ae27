/**
 * Token estimates and stream metering, for when a provider reports no usage (a cut stream, a
 * provider without usage) and for worst-case budget reservations before a call.
 *
 * The estimate is documented, not exact: a quarter of the UTF-8 byte length of the text (the
 * usual "4 characters per token" for English, closer than character counts for other scripts),
 * plus 4 tokens per message and 3 for the reply's priming, and 85 per image. Records based on it
 * say `estimated: true`.
 */
import type { ModelPricing } from './config/types.js';
import type { UsageRecord } from './context.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
} from './types/openai.js';
import { costUsd, usageRecord } from './usage.js';

const PER_MESSAGE = 4;
const PRIMING = 3;
const PER_IMAGE = 85;

export function estimateTextTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(Buffer.byteLength(text) / 4);
}

function contentTokens(content: unknown): number {
  if (typeof content === 'string') return estimateTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content as { type?: string; text?: unknown }[]) {
    if (typeof part?.text === 'string') tokens += estimateTextTokens(part.text);
    else if (part?.type === 'image_url' || part?.type === 'input_image') tokens += PER_IMAGE;
    else if (part !== null && typeof part === 'object') tokens += estimateTextTokens(JSON.stringify(part));
  }
  return tokens;
}

export function estimatePromptTokens(request: ChatCompletionRequest | EmbeddingsRequest): number {
  if ('messages' in request && Array.isArray(request.messages)) {
    let tokens = PRIMING;
    for (const message of request.messages) {
      tokens += PER_MESSAGE + contentTokens(message.content);
      if (message.tool_calls) tokens += estimateTextTokens(JSON.stringify(message.tool_calls));
    }
    if (request.tools) tokens += estimateTextTokens(JSON.stringify(request.tools));
    return tokens;
  }
  const input = (request as EmbeddingsRequest).input;
  if (typeof input === 'string') return estimateTextTokens(input);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') tokens += estimateTextTokens(item);
    else if (typeof item === 'number') tokens += 1;
    else tokens += item.length;
  }
  return tokens;
}

/** Text an answer carries, for estimating its tokens. */
export function completionText(response: ChatCompletion): string {
  let text = '';
  for (const choice of response.choices) {
    text += choice.message.content ?? '';
    for (const call of choice.message.tool_calls ?? []) text += call.function.arguments;
  }
  return text;
}

/** Follows a stream's chunks: the reported usage if any, else what was streamed, and when. */
export class StreamMeter {
  reported: ChatCompletionChunk['usage'] = undefined;
  bytes = 0;
  firstOutputAt: number | undefined;
  text = '';

  constructor(
    private readonly now: () => number,
    private readonly keepText = false,
  ) {}

  observe(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.reported = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      let piece = delta.content ?? '';
      for (const call of delta.tool_calls ?? []) piece += call.function?.arguments ?? '';
      if (piece.length === 0) continue;
      this.firstOutputAt ??= this.now();
      this.bytes += Buffer.byteLength(piece);
      if (this.keepText) this.text += piece;
    }
  }

  /** Whether anything reached the caller (a stream with no output is not charged). */
  get hadOutput(): boolean {
    return this.firstOutputAt !== undefined || Boolean(this.reported?.completion_tokens);
  }

  usage(request: ChatCompletionRequest, pricing: ModelPricing | undefined): UsageRecord {
    const reported = usageRecord(this.reported, pricing);
    if (reported) return reported;
    return estimatedUsage(estimatePromptTokens(request), Math.ceil(this.bytes / 4), pricing);
  }
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

/** The usage of a complete (non-streamed) answer: reported, or estimated and marked so. */
export function answerUsage(
  request: ChatCompletionRequest | EmbeddingsRequest,
  response: { usage?: unknown } | undefined,
  pricing: ModelPricing | undefined,
): UsageRecord | undefined {
  if (!response) return undefined;
  const reported = usageRecord(response.usage as Parameters<typeof usageRecord>[0], pricing);
  if (reported) return reported;
  const completion =
    'choices' in response ? estimateTextTokens(completionText(response as ChatCompletion)) : 0;
  return estimatedUsage(estimatePromptTokens(request), completion, pricing);
}

/** USD → integer micro-USD, rounded up so a reservation never falls short. */
export function toMicros(usd: number): number {
  return Math.ceil(Math.round(usd * 1e9) / 1e3);
}
