import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../core/types/openai.js';

/** One text becomes embedContent, several become batchEmbedContents (one request per text). */
export function embeddingsToGemini(
  request: EmbeddingsRequest,
  modelPath: string,
  provider: string,
): { batch: boolean; body: string; count: number } {
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!texts.every((text): text is string => typeof text === 'string')) {
    throw new SwitchyardError(
      'SY_ERR_UPSTREAM_BAD_REQUEST',
      `Provider "${provider}" (Gemini) embeds text only, not token arrays.`,
      { param: 'input', provider },
    );
  }
  const dims = request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions };
  const one = (text: string) => ({ content: { parts: [{ text }] }, ...dims });
  if (typeof input === 'string') return { batch: false, body: JSON.stringify(one(input)), count: 1 };
  const requests = texts.map((text) => ({ model: modelPath, ...one(text) }));
  return { batch: true, body: JSON.stringify({ requests }), count: texts.length };
}

/** What the OpenAI SDK asks for by default: little-endian float32s in base64. */
function toBase64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

/** Gemini reports no token counts for embeddings; usage says 0 rather than a guess. */
export function embeddingsFromGemini(
  payload: Record<string, unknown>,
  request: EmbeddingsRequest,
  batch: boolean,
): EmbeddingsResponse | undefined {
  const list = batch ? payload.embeddings : [payload.embedding];
  if (!Array.isArray(list)) return undefined;
  const vectors = list.map((item) => (item as { values?: unknown } | undefined)?.values);
  if (!vectors.every((values): values is number[] => Array.isArray(values))) return undefined;
  const base64 = request.encoding_format === 'base64';
  return {
    object: 'list',
    data: vectors.map((values, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? toBase64(values) : values,
    })),
    model: request.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
