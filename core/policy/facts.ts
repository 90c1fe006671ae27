/**
 * The facts a rule reads (docs/policy-language.md has the reference table): the request, the
 * caller, guardrail findings and the time, computed once per request.
 */
import type { Caller } from '../context.js';
import type { ChatCompletionRequest, EmbeddingsRequest } from '../types/openai.js';
import { complexityScore, complexityTier } from './complexity.js';

/** A guardrail finding as policies see it; guardrail stages add them to `ctx.state.findings`. */
export interface PolicyFinding {
  /** The entity or category (`email`, `card`, `prompt_injection`, …). */
  type: string;
  score?: number;
  /** The guardrail that reported it. */
  source?: string;
  [field: string]: unknown;
}

declare module '../context.js' {
  interface GatewayState {
    /** Findings of the guardrails that ran before the policy stage; read as the `findings` fact. */
    findings?: PolicyFinding[];
  }
}

export interface DecisionInput {
  operation: 'chat' | 'embeddings';
  request: ChatCompletionRequest | EmbeddingsRequest;
  caller?: Caller;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  findings?: readonly PolicyFinding[];
  /** Milliseconds since the epoch. */
  now: number;
}

export interface RequestFacts {
  operation: 'chat' | 'embeddings';
  model: string;
  models: string[];
  estimatedPromptTokens: number;
  maxOutputTokens: number | null;
  messageCount: number;
  hasTools: boolean;
  hasImages: boolean;
  hasJsonSchema: boolean;
  stream: boolean;
  temperature: number | null;
  user: string | null;
  metadata: Record<string, string>;
  labels: Record<string, string>;
  headers: Record<string, string>;
  complexity: number;
  complexityTier: 'simple' | 'moderate' | 'complex';
}

export interface Facts {
  request: RequestFacts;
  caller: {
    id: string;
    key: string | null;
    team: string | null;
    project: string | null;
    user: string | null;
    labels: Record<string, string>;
  };
  findings: readonly PolicyFinding[];
  findingTypes: string[];
  time: { hour: number; minute: number; weekday: string; day: number; date: string };
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Tokens charged for an image of unknown detail (OpenAI's high-detail 512px tile figure). */
const IMAGE_TOKENS = 765;
const LABELS_HEADER = 'x-switchyard-labels';

/** The request facts the candidate filters and the cost-based strategies read. */
export type RequestBasics = Pick<
  RequestFacts,
  | 'operation'
  | 'estimatedPromptTokens'
  | 'maxOutputTokens'
  | 'messageCount'
  | 'hasTools'
  | 'hasImages'
  | 'hasJsonSchema'
  | 'stream'
>;

interface Measured {
  /** The prompt's text (messages, tool definitions, embedding inputs), when asked for. */
  text: string;
  textLength: number;
  images: number;
  messageCount: number;
  hasTools: boolean;
  hasJsonSchema: boolean;
  maxOutputTokens: number | null;
  temperature: number | null;
}

/** Reads the request once; `keepText` joins the text too (for the complexity score). */
function measure(input: DecisionInput, keepText: boolean): Measured {
  const { request } = input;
  const out: Measured = {
    text: '',
    textLength: 0,
    images: 0,
    messageCount: 0,
    hasTools: false,
    hasJsonSchema: false,
    maxOutputTokens: null,
    temperature: null,
  };
  if (input.operation === 'chat') {
    const chat = request as ChatCompletionRequest;
    out.messageCount = chat.messages.length;
    for (const message of chat.messages) collectText(message.content, out, keepText);
    out.hasTools = (chat.tools?.length ?? 0) > 0;
    out.hasJsonSchema = chat.response_format?.type === 'json_schema';
    out.maxOutputTokens = chat.max_completion_tokens ?? chat.max_tokens ?? null;
    out.temperature = chat.temperature ?? null;
    if (out.hasTools) addText(out, JSON.stringify(chat.tools), keepText, false);
  } else {
    const embed = request as EmbeddingsRequest;
    const inputs = Array.isArray(embed.input) ? embed.input : [embed.input];
    for (const item of inputs) if (typeof item === 'string') addText(out, item, keepText, true);
    out.messageCount = inputs.length;
  }
  return out;
}

function estimatedTokens(measured: Measured): number {
  return Math.ceil(measured.textLength / 4) + measured.messageCount * 4 + measured.images * IMAGE_TOKENS;
}

/**
 * Only what the candidate filters read, without the text, the complexity score, the caller or
 * the time: a decision without rules needs nothing more (same values as `buildFacts`).
 */
export function requestBasics(input: DecisionInput): RequestBasics {
  const measured = measure(input, false);
  return {
    operation: input.operation,
    estimatedPromptTokens: estimatedTokens(measured),
    maxOutputTokens: measured.maxOutputTokens,
    messageCount: measured.messageCount,
    hasTools: measured.hasTools,
    hasImages: measured.images > 0,
    hasJsonSchema: measured.hasJsonSchema,
    stream: input.request.stream === true,
  };
}

export function buildFacts(input: DecisionInput, allowedHeaders: readonly string[]): Facts {
  const { request } = input;
  const headers: Record<string, string> = {};
  for (const name of allowedHeaders) {
    const value = input.headers?.[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const measured = measure(input, true);
  const { messageCount, hasTools, hasJsonSchema, maxOutputTokens, temperature } = measured;
  const text = { value: measured.text, images: measured.images };
  const estimatedPromptTokens = estimatedTokens(measured);
  const complexity = complexityScore({
    text: text.value,
    estimatedTokens: estimatedPromptTokens,
    messageCount,
    hasTools,
    hasJsonSchema,
  });
  const metadata = (request.metadata ?? {}) as Record<string, string>;
  const caller = input.caller;
  const findings = input.findings ?? [];
  const date = new Date(input.now);
  return {
    request: {
      operation: input.operation,
      model: request.model,
      models: (request.models as string[] | undefined) ?? [],
      estimatedPromptTokens,
      maxOutputTokens,
      messageCount,
      hasTools,
      hasImages: text.images > 0,
      hasJsonSchema,
      stream: request.stream === true,
      temperature,
      user: typeof request.user === 'string' ? request.user : null,
      metadata,
      labels: headers[LABELS_HEADER] ? parseLabels(headers[LABELS_HEADER]) : {},
      headers,
      complexity,
      complexityTier: complexityTier(complexity),
    },
    caller: {
      id: caller?.id ?? 'anonymous',
      key: caller?.keyId ?? null,
      team: caller?.team ?? null,
      project: caller?.project ?? null,
      user: caller?.user ?? null,
      labels: caller?.labels ?? {},
    },
    findings,
    findingTypes: [...new Set(findings.map((finding) => finding.type))],
    time: {
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      weekday: WEEKDAYS[date.getUTCDay()] as string,
      day: date.getUTCDay(),
      date: date.toISOString().slice(0, 10),
    },
  };
}

function addText(out: Measured, text: string, keep: boolean, newline: boolean): void {
  out.textLength += newline ? text.length + 1 : text.length;
  if (keep) out.text += newline ? `${text}\n` : text;
}

function collectText(content: unknown, out: Measured, keep: boolean): void {
  if (typeof content === 'string') {
    addText(out, content, keep, true);
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content as { type?: string; text?: unknown }[]) {
    if (part.type === 'text' && typeof part.text === 'string') addText(out, part.text, keep, true);
    else if (part.type === 'image_url' || part.type === 'input_image') out.images++;
  }
}

/** `team=a, tier=gold` → { team: 'a', tier: 'gold' }. */
export function parseLabels(header: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of header.split(',')) {
    const [key, ...rest] = pair.split('=');
    const name = key?.trim();
    if (name) labels[name] = rest.join('=').trim();
  }
  return labels;
}
