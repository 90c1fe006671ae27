/**
 * Canonical (OpenAI) chat request → Anthropic Messages request. Settings Anthropic cannot honour
 * either fail the call (when the answer would be wrong without them: n > 1, logprobs, a response
 * format) or come back as warnings (when ignoring them is safe: seed, penalties).
 */
import type { ChatCompletionRequest, ChatMessage, ToolChoice } from '../../types/openai.js';
import { contentBlocks, parseToolArguments, toolResultBlock, unsupported } from './content-to-anthropic.js';
import type {
  AnthropicContentBlock,
  AnthropicMessageParam,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
} from './types.js';

export interface ToAnthropicOptions {
  upstreamModel: string;
  /** Anthropic requires max_tokens; used when the request sets neither max_tokens nor max_completion_tokens. */
  defaultMaxTokens: number;
  /** Named in error messages. */
  provider?: string;
}

export interface ToAnthropicResult {
  body: AnthropicRequest;
  warnings: string[];
}

// Fields this translation reads, or the gateway consumed before it (routing, stream options).
const HANDLED = new Set([
  'model',
  'messages',
  'models',
  'provider',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'user',
  'n',
  'logprobs',
  'top_logprobs',
  'response_format',
]);
// Anthropic's own fields, carried through when a request arrives with them (the front door does that).
const NATIVE = new Set(['top_k', 'thinking', 'service_tier', 'cache_control']);

function systemBlocks(message: ChatMessage, param: string, provider?: string): AnthropicTextBlock[] {
  const blocks = contentBlocks(message.content, `${param}.content`, provider, false) as AnthropicTextBlock[];
  const last = blocks.at(-1);
  if (last && message.cache_control !== undefined)
    last.cache_control = message.cache_control as AnthropicTextBlock['cache_control'];
  return blocks;
}

function toolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
  provider?: string,
): AnthropicToolChoice | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...disable } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disable };
  if (choice === 'required') return { type: 'any', ...disable };
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (choice.type === 'function' && typeof name === 'string') return { type: 'tool', name, ...disable };
  throw unsupported(`tool_choice of type '${choice.type}' is not supported`, 'tool_choice', provider);
}

function tools(request: ChatCompletionRequest, provider?: string): AnthropicTool[] | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  return request.tools.map((tool, i) => {
    if (tool.type !== 'function')
      throw unsupported(`tools of type '${tool.type}' are not supported`, `tools[${i}].type`, provider);
    const out: AnthropicTool = {
      name: tool.function.name,
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    };
    if (tool.function.description !== undefined) out.description = tool.function.description;
    if (tool.cache_control !== undefined)
      out.cache_control = tool.cache_control as AnthropicTool['cache_control'];
    return out;
  });
}

/** Appends to the conversation, merging into the previous message when the role repeats. */
function append(
  messages: AnthropicMessageParam[],
  role: 'user' | 'assistant',
  blocks: AnthropicContentBlock[],
) {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) {
    if (typeof last.content === 'string') last.content = [{ type: 'text', text: last.content }];
    last.content.push(...blocks);
    return;
  }
  // A lone text block goes as a plain string, the shape most Anthropic examples use.
  const only = blocks[0];
  const plain = blocks.length === 1 && only?.type === 'text' && only.cache_control === undefined;
  messages.push({ role, content: plain ? (only as AnthropicTextBlock).text : blocks });
}

function conversation(request: ChatCompletionRequest, provider?: string) {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessageParam[] = [];
  request.messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...systemBlocks(message, param, provider));
        break;
      case 'user':
        append(messages, 'user', contentBlocks(message.content, `${param}.content`, provider));
        break;
      case 'assistant': {
        const blocks: AnthropicContentBlock[] = contentBlocks(message.content, `${param}.content`, provider);
        (message.tool_calls ?? []).forEach((call, j) => {
          const at = `${param}.tool_calls[${j}].function.arguments`;
          const input = parseToolArguments(call.function.arguments, at, provider);
          blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
        });
        append(messages, 'assistant', blocks);
        break;
      }
      case 'tool':
        // Consecutive tool results merge into one user turn, as Anthropic requires.
        append(messages, 'user', [toolResultBlock(message, param, provider)]);
        break;
      default:
        throw unsupported(
          `messages with role '${message.role}' are not supported`,
          `${param}.role`,
          provider,
        );
    }
  });
  return { system, messages };
}

function rejectUnanswerable(request: ChatCompletionRequest, provider?: string): void {
  if (typeof request.n === 'number' && request.n > 1)
    throw unsupported('n > 1 (several choices) is not supported', 'n', provider);
  if (request.logprobs === true || typeof request.top_logprobs === 'number')
    throw unsupported('logprobs are not supported', 'logprobs', provider);
  const format = request.response_format?.type;
  if (format !== undefined && format !== 'text')
    throw unsupported(`response_format '${format}' is not supported`, 'response_format', provider);
}

export function chatRequestToAnthropic(
  request: ChatCompletionRequest,
  options: ToAnthropicOptions,
): ToAnthropicResult {
  const { provider } = options;
  rejectUnanswerable(request, provider);
  const { system, messages } = conversation(request, provider);
  const body: AnthropicRequest = {
    model: options.upstreamModel,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens,
    messages,
  };
  if (system.length > 0) {
    const cached = system.some((block) => block.cache_control !== undefined);
    body.system = cached ? system : system.map((block) => block.text).join('\n\n');
  }
  if (typeof request.temperature === 'number') body.temperature = request.temperature;
  if (typeof request.top_p === 'number') body.top_p = request.top_p;
  if (request.stop !== undefined && request.stop !== null)
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  const toolList = tools(request, provider);
  if (toolList) body.tools = toolList;
  const choice = toolChoice(request.tool_choice, request.parallel_tool_calls, provider);
  if (choice && (toolList || choice.type === 'none')) body.tool_choice = choice;
  if (typeof request.user === 'string') body.metadata = { user_id: request.user };
  if (request.stream === true) body.stream = true;

  const warnings: string[] = [];
  for (const [field, value] of Object.entries(request)) {
    if (HANDLED.has(field) || value === undefined || value === null) continue;
    if (NATIVE.has(field)) body[field] = value;
    else warnings.push(`'${field}' is not supported by Anthropic and was ignored.`);
  }
  return { body, warnings };
}
