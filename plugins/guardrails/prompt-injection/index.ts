/**
 * The `prompt-injection` guardrail: heuristic detection of override phrases ("ignore previous
 * instructions"), role-play jailbreaks, chat-template markers and hidden text, and of
 * instructions hidden in tool results. Each match scores its pattern's weight (more inside tool
 * results); matches scoring below `threshold` are dropped.
 *
 * @example
 * // { guardrail: prompt-injection, options: { threshold: 0.6 }, action: deny }
 */
import { defineGuardrail, type GuardrailFinding } from '../../../core/index.js';
import { INJECTION_PATTERNS, TOOL_BONUS } from './patterns.js';

export interface PromptInjectionOptions {
  /** Minimum score of a finding, in [0, 1] (default 0.5). */
  threshold?: number;
  /** The message roles checked (default user, tool, function: not the operator's system prompt). */
  roles?: string[];
}

const TOOL_ROLES = new Set(['tool', 'function']);

export const promptInjectionGuardrail = defineGuardrail<PromptInjectionOptions>({
  apiVersion: 1,
  name: 'prompt-injection',
  description: 'Heuristics for override phrases, jailbreaks and instructions hidden in tool results.',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      threshold: { type: 'number', minimum: 0, maximum: 1 },
      roles: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
    },
  },
  phases: ['input'],
  actions: ['deny', 'redact', 'label'],
  create(options) {
    const threshold = options.threshold ?? 0.5;
    const roles = new Set(options.roles ?? ['user', 'tool', 'function']);
    return {
      check(subject) {
        const findings: GuardrailFinding[] = [];
        subject.texts.forEach(({ text, role }, index) => {
          if (!roles.has(role)) return;
          const inTool = TOOL_ROLES.has(role);
          for (const { name, pattern, weight, toolOnly } of INJECTION_PATTERNS) {
            if (toolOnly && !inTool) continue;
            const score = Math.min(1, Math.round((weight + (inTool ? TOOL_BONUS : 0)) * 100) / 100);
            if (score < threshold) continue;
            pattern.lastIndex = 0;
            for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
              if (m[0].length === 0) {
                pattern.lastIndex++;
                continue;
              }
              const location = { text: index, start: m.index, end: m.index + m[0].length };
              findings.push({ type: 'prompt_injection', score, location, detail: name });
            }
          }
        });
        return { findings };
      },
    };
  },
});
