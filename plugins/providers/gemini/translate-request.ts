/**
 * Canonical (OpenAI) chat request → Gemini GenerateContentRequest. Settings Gemini cannot honour
 * fail the call when the answer would be wrong without them (logprobs) and come back as
 * warnings when ignoring them is safe (logit_bias, parallel_tool_calls, user).
 */
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { ChatCompletionRequest, ChatMessage, ToolChoice } from '../../../core/types/openai.js';
import type { GeminiContent, GeminiPart, GeminiRequest } from './types.js';

const HANDLED = new Set([
  'model',
  'messages',
  'models',
  'provider',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'temperature',
  'top_p',
  'top_k',
  'n',
  'stop',
  'seed',
  'max_tokens',
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'logprobs',
  'top_logprobs',
]);

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};
// Keywords of JSON Schema that Gemini's OpenAPI-subset Schema object refuses.
const SCHEMA_DROP = new Set(['$schema', '$id', 'additionalProperties', 'strict']);

function unsupported(provider: string, message: string, param: string): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_UPSTREAM_BAD_REQUEST',
    `Provider "${provider}" (Gemini) cannot take this request: ${message}`,
    { param, provider },
  );
}

/** Gemini's Schema is an OpenAPI 3.0 subset; strip the JSON Schema keywords it rejects. */
export function toGeminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGeminiSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema))
    if (!SCHEMA_DROP.has(key)) out[key] = toGeminiSchema(value);
  return out;
}

function imagePart(url: string, provider: string, param: string): GeminiPart {
  const data = /^data:([^;,]+);base64,/.exec(url);
  if (data) return { inlineData: { mimeType: data[1] as string, data: url.slice(data[0].length) } };
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  const mimeType = extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
  if (!mimeType)
    throw unsupported(provider, 'image URLs need a known file extension, or send a data URL', param);
  return { fileData: { mimeType, fileUri: url } };
}

function parts(content: ChatMessage['content'], provider: string, param: string): GeminiPart[] {
  if (content === null || content === undefined || content === '') return [];
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part, i): GeminiPart => {
    const at = `${param}[${i}]`;
    if (part.type === 'text' && typeof part.text === 'string') return { text: part.text };
    const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
    if (part.type === 'image_url' && typeof url === 'string') return imagePart(url, provider, at);
    throw unsupported(provider, `content parts of type '${part.type}' are not supported`, at);
  });
}

/** Tool results need their function's name, which OpenAI keeps only on the assistant's call. */
function functionResponse(message: ChatMessage, names: Map<string, string>, provider: string, param: string) {
  const name = names.get(message.tool_call_id ?? '');
  if (name === undefined)
    throw unsupported(provider, 'a tool message answers no earlier tool call', `${param}.tool_call_id`);
  const text =
    typeof message.content === 'string'
      ? message.content
      : (message.content ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  // Gemini wants an object; JSON results are passed as they are, anything else is wrapped.
  // Only text that looks like JSON is parsed: a failed parse throws, which costs more than the rest.
  let response: Record<string, unknown> = { content: text };
  if (/^\s*[[{]/.test(text)) {
    try {
      const parsed: unknown = JSON.parse(text);
      response =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : { content: parsed };
    } catch {
      // not JSON after all: keep it as text
    }
  }
  return { functionResponse: { name, response } };
}

function conversation(request: ChatCompletionRequest, provider: string) {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const names = new Map<string, string>();
  const append = (role: GeminiContent['role'], add: GeminiPart[]) => {
    if (add.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...add);
    else contents.push({ role, parts: add });
  };
  request.messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...parts(message.content, provider, `${param}.content`));
        break;
      case 'user':
        append('user', parts(message.content, provider, `${param}.content`));
        break;
      case 'assistant': {
        const out = parts(message.content, provider, `${param}.content`);
        (message.tool_calls ?? []).forEach((call, j) => {
          names.set(call.id, call.function.name);
          let args: unknown;
          try {
            args = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
          } catch {
            throw unsupported(
              provider,
              'tool call arguments must be valid JSON',
              `${param}.tool_calls[${j}].function.arguments`,
            );
          }
          out.push({ functionCall: { name: call.function.name, args: args as Record<string, unknown> } });
        });
        append('model', out);
        break;
      }
      case 'tool':
        append('user', [functionResponse(message, names, provider, param)]);
        break;
      default:
        throw unsupported(
          provider,
          `messages with role '${message.role}' are not supported`,
          `${param}.role`,
        );
    }
  });
  return { system, contents };
}

function toolConfig(choice: ToolChoice | undefined, provider: string): GeminiRequest['toolConfig'] {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (choice.type === 'function' && typeof name === 'string')
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
  throw unsupported(provider, `tool_choice of type '${choice.type}' is not supported`, 'tool_choice');
}

function generationConfig(request: ChatCompletionRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) config[key] = value;
  };
  set('temperature', request.temperature);
  set('topP', request.top_p);
  set('topK', request.top_k);
  set('candidateCount', request.n);
  set('seed', request.seed);
  set('presencePenalty', request.presence_penalty);
  set('frequencyPenalty', request.frequency_penalty);
  set('maxOutputTokens', request.max_completion_tokens ?? request.max_tokens);
  if (request.stop !== undefined && request.stop !== null)
    config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  const format = request.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema')
    config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema' && format.json_schema.schema)
    config.responseSchema = toGeminiSchema(format.json_schema.schema);
  return config;
}

export function chatRequestToGemini(
  request: ChatCompletionRequest,
  provider: string,
  safetySettings?: unknown[],
): { body: GeminiRequest; warnings: string[] } {
  if (request.logprobs === true || typeof request.top_logprobs === 'number')
    throw unsupported(provider, 'logprobs are not supported', 'logprobs');
  const { system, contents } = conversation(request, provider);
  const body: GeminiRequest = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (request.tools && request.tools.length > 0) {
    const declarations = request.tools.map((tool, i) => {
      if (tool.type !== 'function')
        throw unsupported(provider, `tools of type '${tool.type}' are not supported`, `tools[${i}].type`);
      const { name, description, parameters } = tool.function;
      return {
        name,
        ...(description === undefined ? {} : { description }),
        ...(parameters === undefined ? {} : { parameters: toGeminiSchema(parameters) }),
      };
    });
    body.tools = [{ functionDeclarations: declarations }];
  }
  const config = toolConfig(request.tool_choice, provider);
  if (config) body.toolConfig = config;
  const generation = generationConfig(request);
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  if (safetySettings) body.safetySettings = safetySettings;

  const warnings: string[] = [];
  for (const [field, value] of Object.entries(request)) {
    if (!HANDLED.has(field) && value !== undefined && value !== null)
      warnings.push(`'${field}' is not supported by Gemini and was ignored.`);
  }
  return { body, warnings };
}
