import { SwitchyardError } from '../../errors/switchyard-error.js';
import type { ChatMessage, ContentPart } from '../../types/openai.js';
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './types.js';

/** Says why a canonical request cannot be sent to Anthropic; never a silent drop. */
export function unsupported(message: string, param: string, provider?: string): SwitchyardError {
  const who = provider === undefined ? 'Anthropic' : `Provider "${provider}" (Anthropic)`;
  return new SwitchyardError('SY_ERR_UPSTREAM_BAD_REQUEST', `${who} cannot take this request: ${message}`, {
    param,
    ...(provider === undefined ? {} : { provider }),
  });
}

const DATA_URL = /^data:([^;,]+);base64,/;

/** `cache_control` marks a prompt-cache breakpoint; it travels on whichever block carries it. */
function withCacheControl<T extends AnthropicContentBlock>(block: T, part: Record<string, unknown>): T {
  if (part.cache_control !== undefined) (block as Record<string, unknown>).cache_control = part.cache_control;
  return block;
}

function imageBlock(part: ContentPart, param: string, provider?: string): AnthropicImageBlock {
  const url = (part as { image_url?: { url?: unknown } }).image_url?.url;
  if (typeof url !== 'string') throw unsupported('an image part has no url', param, provider);
  const data = DATA_URL.exec(url);
  if (data) {
    const block: AnthropicImageBlock = {
      type: 'image',
      source: { type: 'base64', media_type: data[1] as string, data: url.slice(data[0].length) },
    };
    return withCacheControl(block, part);
  }
  if (/^https?:\/\//i.test(url))
    return withCacheControl({ type: 'image', source: { type: 'url', url } }, part);
  throw unsupported('images must be base64 data URLs or http(s) URLs', param, provider);
}

/**
 * Text and image parts as Anthropic blocks. Empty text is left out: the API refuses empty
 * text blocks, and an empty string carries nothing.
 */
export function contentBlocks(
  content: ChatMessage['content'],
  param: string,
  provider?: string,
  allowImages = true,
): (AnthropicTextBlock | AnthropicImageBlock)[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  content.forEach((part, i) => {
    const at = `${param}[${i}]`;
    if (part.type === 'text' && typeof part.text === 'string') {
      if (part.text !== '' || part.cache_control !== undefined)
        blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
    } else if (part.type === 'image_url' && allowImages) {
      blocks.push(imageBlock(part, at, provider));
    } else {
      throw unsupported(`content parts of type '${part.type}' are not supported here`, at, provider);
    }
  });
  return blocks;
}

/** A `tool` message as a tool_result block; `is_error` survives a round trip through the front door. */
export function toolResultBlock(
  message: ChatMessage,
  param: string,
  provider?: string,
): AnthropicToolResultBlock {
  if (typeof message.tool_call_id !== 'string')
    throw unsupported('a tool message needs tool_call_id', `${param}.tool_call_id`, provider);
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: message.tool_call_id };
  const content = message.content;
  if (typeof content === 'string') block.content = content;
  else if (Array.isArray(content)) block.content = contentBlocks(content, `${param}.content`, provider);
  if (message.is_error === true) block.is_error = true;
  return block;
}

/** Assistant tool call arguments are JSON text in OpenAI's format and an object in Anthropic's. */
export function parseToolArguments(text: string, param: string, provider?: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw unsupported('tool call arguments must be valid JSON', param, provider);
  }
}
