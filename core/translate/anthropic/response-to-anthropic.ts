import type { ChatCompletion } from '../../types/openai.js';
import type { AnthropicContentBlock, AnthropicMessage } from './types.js';
import { stopReasonToAnthropic, usageToAnthropic } from './usage.js';

/** Tool arguments that are not JSON (a model's slip) are passed on as the raw text, not lost. */
export function toolInput(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** OpenAI chat.completion → Anthropic Message, for the Anthropic-compatible front door. */
export function anthropicMessageFromChat(completion: ChatCompletion): AnthropicMessage {
  const choice = completion.choices[0];
  const content: AnthropicContentBlock[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments),
    });
  }
  return {
    id: completion.id,
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: stopReasonToAnthropic(choice?.finish_reason),
    stop_sequence: null,
    usage: usageToAnthropic(completion.usage),
  };
}
