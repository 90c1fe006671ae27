/**
 * Cache keys: a SHA-256 of the canonical JSON (object keys sorted, recursively) of everything
 * that changes the answer — the resolved plan's candidates in order, the messages, tools and
 * every sampling parameter — and of nothing that does not (`user`, `stream`, `stream_options`,
 * `metadata`). Keys are namespaced per tenant, so one team never reads another's answers.
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../context.js';
import type { ChatCompletionRequest } from '../types/openai.js';

/** Request fields that do not change the answer, so two requests differing only there share it. */
export const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  'user',
  'stream',
  'stream_options',
  'metadata',
  // Routing inputs: what they decide is in the key as the plan's candidates.
  'model',
  'models',
  'provider',
]);

/** JSON with object keys sorted at every depth; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The part of a chat request that decides its answer. */
export function answerRelevant(request: ChatCompletionRequest): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (!IGNORED_FIELDS.has(field)) kept[field] = value;
  }
  return kept;
}

/** The hex digest identifying an answer: same plan and same answer-relevant request, same digest. */
export function requestDigest(request: ChatCompletionRequest, candidateRefs: readonly string[]): string {
  return sha256(canonicalJson({ v: 1, plan: candidateRefs, request: answerRelevant(request) }));
}

/**
 * Whose entries a request may read and write: its team, else its key, else its caller id.
 * `shared` puts every tenant in one namespace (a policy's explicit choice).
 */
export function cacheNamespace(caller: Caller | undefined, shared: boolean): string {
  if (shared) return 'shared';
  if (caller?.team !== undefined) return `team:${caller.team}`;
  if (caller?.keyId !== undefined) return `key:${caller.keyId}`;
  return `caller:${caller?.id ?? 'anonymous'}`;
}

/** The store key of an entry: `cache:v1:<namespace>:<digest>`, the namespace percent-encoded. */
export function entryKey(namespace: string, digest: string): string {
  return `cache:v1:${encodeURIComponent(namespace)}:${digest}`;
}
