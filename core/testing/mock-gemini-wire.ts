/**
 * Gemini API wire payloads for the mock upstream, following the public API reference
 * (generativelanguage v1beta): GenerateContentResponse with candidates, promptFeedback and
 * usageMetadata; streamGenerateContent?alt=sse as `data: {response}` events separated by CRLF
 * blank lines; the Google error body `{error: {code, message, status, details}}`.
 */
import { estimateTokens, vector, words } from './mock-openai-wire.js';

export interface GeminiWireFunctionCall {
  name: string;
  args: Record<string, unknown>;
}

export interface GeminiWireReply {
  model: string;
  text: string;
  functionCalls: GeminiWireFunctionCall[];
  /** `STOP` by default; `SAFETY`, `MAX_TOKENS` ... to script others. */
  finishReason?: string;
  /** Answer with promptFeedback.blockReason and no candidates. */
  blockReason?: string;
  promptTokens: number;
  cachedTokens: number;
  thoughtsTokens: number;
  /** Candidates in the answer (generationConfig.candidateCount). */
  candidates: number;
}

export interface GeminiWireError {
  message?: string;
  status?: string;
  /** Seconds; adds a google.rpc.RetryInfo detail with this retryDelay. */
  retryDelaySeconds?: number;
}

export function geminiAnswer(reply: GeminiWireReply): { json: string; events: string[] } {
  const head = { modelVersion: reply.model, responseId: 'mock-response-01' };
  const outputTokens = estimateTokens(reply.text.length + JSON.stringify(reply.functionCalls).length);
  const usage = {
    promptTokenCount: reply.promptTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: reply.promptTokens + outputTokens + reply.thoughtsTokens,
    ...(reply.cachedTokens > 0 ? { cachedContentTokenCount: reply.cachedTokens } : {}),
    ...(reply.thoughtsTokens > 0 ? { thoughtsTokenCount: reply.thoughtsTokens } : {}),
  };
  const data = (body: Record<string, unknown>) => `data: ${JSON.stringify(body)}\r\n\r\n`;
  if (reply.blockReason !== undefined) {
    const body = {
      promptFeedback: { blockReason: reply.blockReason },
      usageMetadata: { promptTokenCount: reply.promptTokens },
      ...head,
    };
    return { json: JSON.stringify(body), events: [data(body)] };
  }
  const finishReason = reply.finishReason ?? 'STOP';
  const parts = [
    ...(reply.text === '' ? [] : [{ text: reply.text }]),
    ...reply.functionCalls.map((call) => ({ functionCall: call })),
  ];
  const candidates = Array.from({ length: reply.candidates }, (_, index) => ({
    content: { parts, role: 'model' },
    finishReason,
    index,
  }));
  const json = JSON.stringify({ candidates, usageMetadata: usage, ...head });

  // The stream sends text in pieces, function calls whole, and the finish reason with the last piece.
  const pieces: Record<string, unknown>[][] = [
    ...(reply.text === '' ? [] : words(reply.text).map((word) => [{ text: word }])),
    ...reply.functionCalls.map((call) => [{ functionCall: call }]),
  ];
  const events = pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const candidate = {
      content: { parts: piece, role: 'model' },
      index: 0,
      ...(last ? { finishReason } : {}),
    };
    const partial = { promptTokenCount: reply.promptTokens, totalTokenCount: reply.promptTokens };
    return data({ candidates: [candidate], usageMetadata: last ? usage : partial, ...head });
  });
  return { json, events };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function geminiErrorAnswer(code: number, overrides: GeminiWireError = {}): string {
  const status = overrides.status ?? STATUS_NAMES[code] ?? 'UNKNOWN';
  const details =
    overrides.retryDelaySeconds === undefined
      ? []
      : [
          {
            '@type': 'type.googleapis.com/google.rpc.RetryInfo',
            retryDelay: `${overrides.retryDelaySeconds}s`,
          },
        ];
  const message = overrides.message ?? `${status} (mock upstream)`;
  return JSON.stringify({ error: { code, message, status, ...(details.length > 0 ? { details } : {}) } });
}

export function geminiEmbeddingsAnswer(texts: string[], dimensions: number, batch: boolean): string {
  const embeddings = texts.map((text) => ({ values: vector(text, dimensions) }));
  return JSON.stringify(batch ? { embeddings } : { embedding: embeddings[0] });
}

/** How the mock describes the images of the last user turn, for tests that check image translation. */
export function describeGeminiImages(body: unknown): string {
  const contents =
    (body as { contents?: { role?: string; parts?: Record<string, unknown>[] }[] }).contents ?? [];
  const last = [...contents].reverse().find((content) => content.role === 'user');
  return (last?.parts ?? [])
    .map((part) => {
      const inline = part.inlineData as { mimeType?: string; data?: string } | undefined;
      const file = part.fileData as { mimeType?: string; fileUri?: string } | undefined;
      if (inline) return `inline ${String(inline.mimeType)} ${String(inline.data).length} chars`;
      if (file) return `file ${String(file.mimeType)} ${String(file.fileUri)}`;
      return undefined;
    })
    .filter((item) => item !== undefined)
    .join('; ');
}
