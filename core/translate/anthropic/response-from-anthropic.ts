import type { ChatCompletion, ToolCall } from '../../types/openai.js';
import type { AnthropicMessage } from './types.js';
import { finishReasonFromAnthropic, usageFromAnthropic } from './usage.js';

/**
 * Anthropic Message → OpenAI chat.completion. Text blocks join into `content`, tool_use blocks
 * become `tool_calls` (input serialised back to JSON text), thinking blocks go to
 * `reasoning_content`, the field OpenAI-compatible reasoning servers use.
 */
export function chatCompletionFromAnthropic(message: AnthropicMessage, created: number): ChatCompletion {
  let text: string | null = null;
  let reasoning: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') text = (text ?? '') + block.text;
    else if (block.type === 'thinking' && typeof block.thinking === 'string')
      reasoning = (reasoning ?? '') + block.thinking;
    else if (block.type === 'tool_use') {
      const { id, name, input } = block as { id: string; name: string; input: unknown };
      toolCalls.push({ id, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    }
  }
  const assistant: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text,
    refusal: null,
  };
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  if (reasoning !== undefined) assistant.reasoning_content = reasoning;
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: assistant,
        finish_reason: finishReasonFromAnthropic(message.stop_reason) ?? 'stop',
        logprobs: null,
      },
    ],
    usage: usageFromAnthropic(message.usage),
  };
}
