/**
 * Anthropic Messages request → canonical (OpenAI) chat request, for the Anthropic-compatible
 * front door. The body was checked against a lean schema first; what remains to refuse is
 * content the canonical format has no place for (documents, server tools).
 */
import { SwitchyardError } from '../../errors/switchyard-error.js';
import type {
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  FunctionTool,
  ToolCall,
  ToolChoice,
} from '../../types/openai.js';
import type {
  AnthropicContentBlock,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicToolChoice,
} from './types.js';

// Fields the translation maps; any other top-level field is carried through unchanged.
const MAPPED = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'tools',
  'tool_choice',
  'metadata',
]);

function invalid(message: string, param: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_REQUEST_INVALID', message, { param });
}

function textPart(block: AnthropicTextBlock): ContentPart {
  const part: ContentPart = { type: 'text', text: block.text };
  if (block.cache_control !== undefined) part.cache_control = block.cache_control;
  return part;
}

function part(block: AnthropicContentBlock, param: string): ContentPart {
  if (block.type === 'text') return textPart(block as AnthropicTextBlock);
  if (block.type === 'image') {
    const source = (block as { source?: Record<string, unknown> }).source ?? {};
    let url: string;
    if (source.type === 'base64') url = `data:${String(source.media_type)};base64,${String(source.data)}`;
    else if (source.type === 'url' && typeof source.url === 'string') url = source.url;
    else
      throw invalid(`Image sources of type '${String(source.type)}' are not supported.`, `${param}.source`);
    const image: ContentPart = { type: 'image_url', image_url: { url } };
    if (block.cache_control !== undefined) image.cache_control = block.cache_control;
    return image;
  }
  throw invalid(`Content blocks of type '${block.type}' are not supported by this gateway.`, `${param}.type`);
}

/** A plain string when the blocks are plain text, else parts (keeping cache_control). */
function content(blocks: AnthropicContentBlock[], param: string): string | ContentPart[] {
  const parts = blocks.map((block, i) => part(block, `${param}[${i}]`));
  const plain = parts.every((p) => p.type === 'text' && p.cache_control === undefined);
  return plain ? parts.map((p) => p.text as string).join('') : parts;
}

function userMessages(blocks: AnthropicContentBlock[], param: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  const rest: AnthropicContentBlock[] = [];
  blocks.forEach((block, i) => {
    if (block.type !== 'tool_result') return void rest.push(block);
    const result = block as {
      tool_use_id: string;
      content?: string | AnthropicContentBlock[];
      is_error?: boolean;
    };
    const at = `${param}[${i}].content`;
    const message: ChatMessage = {
      role: 'tool',
      tool_call_id: result.tool_use_id,
      content: Array.isArray(result.content) ? content(result.content, at) : (result.content ?? ''),
    };
    if (result.is_error === true) message.is_error = true;
    out.push(message);
  });
  if (rest.length > 0) out.push({ role: 'user', content: content(rest, param) });
  return out;
}

function assistantMessage(blocks: AnthropicContentBlock[], param: string): ChatMessage {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  blocks.forEach((block, i) => {
    if (block.type === 'text') texts.push((block as AnthropicTextBlock).text);
    else if (block.type === 'tool_use') {
      const { id, name, input } = block as { id: string; name: string; input: unknown };
      toolCalls.push({ id, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      // Earlier turns' thinking is the model's own scratchpad; other providers cannot use it.
      throw invalid(`Assistant blocks of type '${block.type}' are not supported.`, `${param}[${i}].type`);
    }
  });
  const message: ChatMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function toolChoice(choice: AnthropicToolChoice): ToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    default:
      return 'auto';
  }
}

export function chatRequestFromAnthropic(body: AnthropicRequest): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (typeof body.system === 'string') messages.push({ role: 'system', content: body.system });
  else if (Array.isArray(body.system)) messages.push({ role: 'system', content: body.system.map(textPart) });

  body.messages.forEach((message, i) => {
    const param = `messages[${i}].content`;
    const blocks: AnthropicContentBlock[] =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (message.role === 'user') messages.push(...userMessages(blocks, param));
    else if (message.role === 'assistant') messages.push(assistantMessage(blocks, param));
    else messages.push({ role: 'system', content: content(blocks, param) });
  });

  const request: ChatCompletionRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.tools) {
    request.tools = body.tools.map((tool, i): FunctionTool => {
      if (tool.type !== undefined && tool.type !== 'custom')
        throw invalid(
          `Server tools ('${String(tool.type)}') are not supported by this gateway.`,
          `tools[${i}]`,
        );
      const fn: FunctionTool['function'] = { name: tool.name, parameters: tool.input_schema };
      if (tool.description !== undefined) fn.description = tool.description;
      const out: FunctionTool = { type: 'function', function: fn };
      if (tool.cache_control !== undefined) out.cache_control = tool.cache_control;
      return out;
    });
  }
  if (body.tool_choice) {
    request.tool_choice = toolChoice(body.tool_choice);
    if ('disable_parallel_tool_use' in body.tool_choice && body.tool_choice.disable_parallel_tool_use)
      request.parallel_tool_calls = false;
  }
  if (body.stop_sequences) request.stop = body.stop_sequences;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (typeof body.metadata?.user_id === 'string') request.user = body.metadata.user_id;
  if (body.stream === true) request.stream = true;
  for (const [field, value] of Object.entries(body)) if (!MAPPED.has(field)) request[field] = value;
  return request;
}
