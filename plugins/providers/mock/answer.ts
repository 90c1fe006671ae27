import type { ChatCompletionRequest, ChatMessage, FunctionTool } from '../../../core/types/openai.js';
import { sampleFromSchema } from './sample-from-schema.js';
import { hashText } from './seeded.js';

/** What the mock will say: plain text, or one call of a tool the request offered. */
export type MockAnswer =
  { kind: 'text'; text: string } | { kind: 'tool'; id: string; name: string; arguments: string };

const QUOTE_CHARS = 60;

function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join(' ');
}

function lastUserText(request: ChatCompletionRequest): string | undefined {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return messageText(message);
  }
  return undefined;
}

/** The tool the request insists on, if any: `required` takes the first, a named choice that one. */
function forcedTool(request: ChatCompletionRequest): FunctionTool | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (choice === 'required') return tools[0];
  if (typeof choice !== 'object' || choice.type !== 'function') return undefined;
  const named = (choice.function as { name?: unknown } | undefined)?.name;
  return tools.find((tool) => tool.function.name === named);
}

function replyText(request: ChatCompletionRequest, fixedReply: string | undefined): string {
  if (fixedReply !== undefined) return fixedReply;
  const user = lastUserText(request);
  return user === undefined ? 'Mock reply.' : `Mock reply to: ${user.slice(0, QUOTE_CHARS)}`;
}

/** Decides the answer from the request alone, so the same request always gets the same answer. */
export function planAnswer(request: ChatCompletionRequest, fixedReply: string | undefined): MockAnswer {
  const tool = forcedTool(request);
  if (tool) {
    const args = JSON.stringify(sampleFromSchema(tool.function.parameters ?? { type: 'object' }) ?? {});
    const id = `call_mock_${hashText(`${tool.function.name}\n${args}\n${lastUserText(request) ?? ''}`).toString(36)}`;
    return { kind: 'tool', id, name: tool.function.name, arguments: args };
  }
  const text = replyText(request, fixedReply);
  const format = request.response_format;
  // Structured output requests get JSON, so clients that parse the reply keep working.
  if (format?.type === 'json_object') return { kind: 'text', text: JSON.stringify({ reply: text }) };
  if (format?.type === 'json_schema') {
    return {
      kind: 'text',
      text: JSON.stringify(sampleFromSchema(format.json_schema.schema ?? { type: 'object' })),
    };
  }
  return { kind: 'text', text };
}
