/**
 * The `limits` guardrail: refuses prompts that are too long (estimated tokens, four bytes per
 * token) or have too many messages, before they cost anything.
 *
 * @example
 * // { guardrail: limits, options: { maxPromptTokens: 8000, maxMessages: 50 } }
 */
import {
  defineGuardrail,
  estimatePromptTokens,
  type ChatCompletionRequest,
  type GuardrailFinding,
} from '../../../core/index.js';

export interface LimitsOptions {
  maxPromptTokens?: number;
  maxMessages?: number;
}

export const limitsGuardrail = defineGuardrail<LimitsOptions>({
  apiVersion: 1,
  name: 'limits',
  description: 'Maximum estimated prompt tokens and number of messages.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      maxPromptTokens: { type: 'integer', minimum: 1 },
      maxMessages: { type: 'integer', minimum: 1 },
    },
  },
  phases: ['input'],
  actions: ['deny', 'label'],
  create(options) {
    return {
      check(subject) {
        const findings: GuardrailFinding[] = [];
        const { request } = subject;
        if (options.maxPromptTokens !== undefined) {
          const tokens = estimatePromptTokens(request);
          if (tokens > options.maxPromptTokens) {
            findings.push({
              type: 'prompt_too_long',
              score: 1,
              detail: `~${tokens} prompt tokens > ${options.maxPromptTokens}`,
            });
          }
        }
        if (options.maxMessages !== undefined && subject.operation === 'chat') {
          const count = (request as ChatCompletionRequest).messages.length;
          if (count > options.maxMessages) {
            findings.push({
              type: 'too_many_messages',
              score: 1,
              detail: `${count} messages > ${options.maxMessages}`,
            });
          }
        }
        return { findings };
      },
    };
  },
});
