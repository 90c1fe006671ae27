/**
 * Heuristics for prompt injection, each a pattern with a weight in [0, 1]. They are phrasings
 * attacks keep reusing (override phrases, role-play jailbreaks, chat-template markers, hidden
 * text), not a classifier: pair them with the `webhook` guardrail for a model-based verdict.
 */
export interface InjectionPattern {
  readonly name: string;
  readonly pattern: RegExp;
  readonly weight: number;
  /** Only in tool (and function) results, where any instruction to the model is suspect. */
  readonly toolOnly?: boolean;
}

const GAP = '[^.\\n]{0,40}';

export const INJECTION_PATTERNS: readonly InjectionPattern[] = [
  {
    name: 'override',
    pattern: new RegExp(
      `\\b(?:ignore|disregard|forget|override|bypass|skip)\\b${GAP}\\b(?:previous|prior|above|earlier|preceding|all|any|your|the|these|those)\\b${GAP}\\b(?:instructions?|prompts?|rules|directions|guidelines|guardrails|context|directives)\\b`,
      'giu',
    ),
    weight: 0.9,
  },
  {
    name: 'new_instructions',
    pattern: /\b(?:new|updated|real|actual|revised)\s+(?:system\s+)?instructions?\s*:/giu,
    weight: 0.6,
  },
  {
    name: 'prompt_leak',
    pattern: new RegExp(
      `\\b(?:reveal|print|show|repeat|output|leak|tell me)\\b${GAP}\\b(?:system prompt|initial instructions|hidden instructions|your instructions|your prompt)\\b`,
      'giu',
    ),
    weight: 0.7,
  },
  { name: 'jailbreak', pattern: /\b(?:DAN|do anything now)\b/gu, weight: 0.8 },
  {
    name: 'jailbreak',
    pattern: /\b(?:developer|god|jailbreak|jailbroken|unrestricted|sudo|evil)\s+mode\b/giu,
    weight: 0.8,
  },
  {
    name: 'role_play',
    pattern: new RegExp(
      `\\b(?:pretend|act|roleplay|role-play|imagine|behave)\\b${GAP}\\b(?:no|without|free of|free from|ignoring)\\s+(?:any\\s+)?(?:restrictions|rules|filters|limits|guidelines|ethics|censorship|policies)\\b`,
      'giu',
    ),
    weight: 0.8,
  },
  {
    name: 'role_play',
    pattern: /\byou are (?:now )?(?:no longer|not) (?:bound|restricted|limited|an? (?:AI|assistant))\b/giu,
    weight: 0.7,
  },
  {
    name: 'template_marker',
    pattern:
      /<\|im_start\|>|<\|im_end\|>|<\|system\|>|\[\/?INST\]|<<\/?SYS>>|^\s*###\s*(?:system|instruction)\s*:?/gimu,
    weight: 0.6,
  },
  { name: 'hidden_text', pattern: /[\u{E0000}-\u{E007F}]+/gu, weight: 0.9 },
  { name: 'hidden_text', pattern: /[\u200B-\u200F\u2060-\u2064\uFEFF]{3,}/gu, weight: 0.6 },
  {
    name: 'tool_instructions',
    pattern: /<!--[\s\S]{0,400}?\b(?:ignore|instructions?|assistant|system|you must)\b[\s\S]{0,400}?-->/giu,
    weight: 0.7,
    toolOnly: true,
  },
  {
    name: 'tool_instructions',
    pattern:
      /\b(?:AI|assistant|model|LLM|chatbot)\b[^.\n]{0,30}\b(?:must|should|needs? to|is instructed to)\b[^.\n]{0,30}\b(?:send|call|email|forward|reveal|execute|run|visit|ignore)\b/giu,
    weight: 0.6,
    toolOnly: true,
  },
  { name: 'tool_instructions', pattern: /^\s*(?:system|assistant)\s*:/gimu, weight: 0.6, toolOnly: true },
];

/** Instructions inside tool results weigh this much more: the model did not expect any there. */
export const TOOL_BONUS = 0.2;
