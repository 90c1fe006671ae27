/**
 * The canonical request and response shapes: OpenAI's chat completions wire format.
 *
 * Most providers and clients already speak it, so an OpenAI-compatible upstream needs no
 * translation on the hot path. Every interface is open (`[field: string]: unknown`) because
 * fields the gateway does not know must survive the trip to OpenAI-compatible upstreams.
 */

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface TextContentPart {
  type: 'text';
  text: string;
  [field: string]: unknown;
}

export interface ImageContentPart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
  [field: string]: unknown;
}

export interface OtherContentPart {
  type: string;
  [field: string]: unknown;
}

export type ContentPart = TextContentPart | ImageContentPart | OtherContentPart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  [field: string]: unknown;
}

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  [field: string]: unknown;
}

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
  [field: string]: unknown;
}

export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } }
  | { type: string; [field: string]: unknown };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string };
    };

/** OpenRouter-compatible per-request provider preferences (read by routing). */
export interface ProviderPreferences {
  order?: string[];
  only?: string[];
  ignore?: string[];
  allow_fallbacks?: boolean;
  sort?: 'price' | 'latency' | 'throughput';
  max_price?: { prompt?: number; completion?: number };
  data_collection?: 'allow' | 'deny';
  zdr?: boolean;
  require_parameters?: boolean;
  [field: string]: unknown;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** Fallback models, tried in order after `model` (OpenRouter's field). */
  models?: string[];
  provider?: ProviderPreferences;
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [field: string]: unknown } | null;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  user?: string;
  metadata?: Record<string, string> | null;
  [field: string]: unknown;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [field: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [field: string]: unknown };
  /** Added by Switchyard: what the request cost, in USD. */
  cost?: number;
  [field: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatCompletionChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal?: string | null;
    tool_calls?: ToolCall[];
    [field: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
  [field: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ToolCallDelta[];
    [field: string]: unknown;
  };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  models?: string[];
  [field: string]: unknown;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number; cost?: number; [field: string]: unknown };
  [field: string]: unknown;
}

/** The OpenAI error body every client receives. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
