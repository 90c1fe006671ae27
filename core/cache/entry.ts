/**
 * What the cache stores for one answer: the complete chat completion as the provider gave it
 * (before the gateway's own usage fields are added), which catalog entry served it and what it
 * cost, so a hit can report the money it saved. Entries are JSON text in every backend.
 */
import type { ChatCompletion } from '../types/openai.js';

export interface CachedAnswer {
  v: 1;
  response: ChatCompletion;
  /** The catalog ref (`provider/model`) that answered. */
  ref: string;
  /** What the original call cost (USD): the saving of every hit. */
  costUsd: number;
  /** Epoch ms when it was stored. */
  storedAt: number;
}

export function serializeAnswer(answer: CachedAnswer): string {
  return JSON.stringify(answer);
}

/** Parses stored text; anything that is not a well-formed entry reads as a miss. */
export function parseAnswer(text: string): CachedAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entry = value as Partial<CachedAnswer>;
  if (entry.v !== 1 || typeof entry.ref !== 'string' || typeof entry.costUsd !== 'number') return undefined;
  const response = entry.response;
  if (!response || typeof response !== 'object' || !Array.isArray(response.choices)) return undefined;
  return entry as CachedAnswer;
}

/** A usage object without the fields the gateway adds on the way out (cost, cache_hit, …). */
export function providerUsage(usage: ChatCompletion['usage'] | null | undefined): ChatCompletion['usage'] {
  if (!usage) return undefined;
  const {
    cost: _cost,
    charged_usd: _charged,
    estimated: _estimated,
    byok: _byok,
    cache_hit: _hit,
    saved_usd: _saved,
    ...rest
  } = usage;
  return rest as ChatCompletion['usage'];
}
