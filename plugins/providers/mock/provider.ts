import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { CallOptions, Capability, Provider, ProviderCreateContext } from '../../../core/provider.js';
import type {
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from '../../../core/types/openai.js';
import { planAnswer } from './answer.js';
import { delay } from './delay.js';
import type { MockOptions } from './options.js';
import { createRandom, embedText, estimateTokens, hashText } from './seeded.js';
import { chunksFor, completionFor, usageFor, type AnswerHead } from './wire.js';

export const MOCK_CAPABILITIES: readonly Capability[] = [
  'chat',
  'streaming',
  'tools',
  'vision',
  'json_schema',
  'embeddings',
];

function warningsFor(request: ChatCompletionRequest): string[] | undefined {
  return typeof request.n === 'number' && request.n > 1
    ? ['mock provider returns one choice; n was ignored']
    : undefined;
}

function embeddingInputs(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  // A flat number array is one tokenised input; an array of arrays is several.
  if (input.every((item) => typeof item === 'number')) return [JSON.stringify(input)];
  return input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** An in-process provider that answers deterministically from the request; no network. */
export function createMockProvider(options: MockOptions, context: ProviderCreateContext): Provider {
  const latencyMs = options.latencyMs ?? 0;
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  // One draw per call, in call order: the same sequence of calls fails the same way every run.
  const draw = options.failRate === undefined ? undefined : createRandom(options.seed ?? 0);

  const failIfScripted = (): void => {
    const failing = draw ? draw() < (options.failRate ?? 0) : options.failWith !== undefined;
    if (!failing) return;
    const code = options.failWith ?? 'SY_ERR_UPSTREAM_SERVER_ERROR';
    throw new SwitchyardError(code, `Provider "${context.id}" failed as configured (mock ${code})`, {
      provider: context.id,
    });
  };

  const prepare = (request: ChatCompletionRequest, call: CallOptions) => {
    if (call.signal.aborted) throw call.signal.reason;
    failIfScripted();
    const answer = planAnswer(request, options.reply);
    const promptText = JSON.stringify(request.messages);
    const head: AnswerHead = {
      id: `chatcmpl-mock-${hashText(`${call.upstreamModel}\n${promptText}`).toString(36)}`,
      created: Math.floor(context.now() / 1000),
      model: call.upstreamModel,
    };
    return { answer, head, usage: usageFor(promptText.length, answer) };
  };

  async function* stream(
    chunks: ReturnType<typeof chunksFor>,
    signal: AbortSignal,
  ): AsyncGenerator<(typeof chunks)[number]> {
    await delay(latencyMs, signal);
    for (let i = 0; i < chunks.length; i++) {
      if (i > 0) await delay(chunkDelayMs, signal);
      if (signal.aborted) throw signal.reason;
      yield chunks[i]!;
    }
  }

  return {
    id: context.id,
    capabilities: MOCK_CAPABILITIES,

    async chat(request, call) {
      const { answer, head, usage } = prepare(request, call);
      const response = completionFor(head, answer, usage);
      // As long as streaming the same answer would take.
      await delay(latencyMs + chunkDelayMs * chunksFor(head, answer, undefined).length, call.signal);
      const warnings = warningsFor(request);
      return warnings ? { response, warnings } : { response };
    },

    async chatStream(request, call) {
      const { answer, head, usage } = prepare(request, call);
      const includeUsage = request.stream_options?.include_usage === true;
      const chunks = chunksFor(head, answer, includeUsage ? usage : undefined);
      const warnings = warningsFor(request);
      // Resolves at once like an upstream's 200; latencyMs delays the first chunk, as TTFT does.
      return warnings
        ? { chunks: stream(chunks, call.signal), warnings }
        : { chunks: stream(chunks, call.signal) };
    },

    async embeddings(request, call): Promise<EmbeddingsResponse> {
      if (call.signal.aborted) throw call.signal.reason;
      failIfScripted();
      await delay(latencyMs, call.signal);
      const dimensions = request.dimensions ?? options.embeddingDimensions ?? 8;
      const texts = embeddingInputs(request.input);
      const tokens = texts.reduce((sum, text) => sum + estimateTokens(text.length), 0);
      return {
        object: 'list',
        data: texts.map((text, index) => {
          const vector = embedText(text, dimensions);
          return {
            object: 'embedding',
            index,
            embedding: request.encoding_format === 'base64' ? toBase64(vector) : vector,
          };
        }),
        model: call.upstreamModel,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
    },

    async close() {},
  };
}
