/**
 * A cheap complexity signal for cost tiering: 0 (a greeting) … 1 (a long, code-heavy reasoning
 * task with tools). It weighs length, code, reasoning cues, tools and structured output; the
 * tiers are `simple` (< 0.3), `moderate` (< 0.6) and `complex`.
 */
const CODE = /```|\b(?:function|def|class|import|return|const|SELECT|#include)\b|=>|\};?\s*$/m;
const REASONING =
  /\b(?:prove|proof|derive|step[- ]by[- ]step|analy[sz]e|reason(?:ing)?|why|trade-?offs?|optimi[sz]e|architect(?:ure)?|algorithm|debug|refactor|compare|evaluate|plan)\b/gi;

export interface ComplexityInput {
  text: string;
  estimatedTokens: number;
  messageCount: number;
  hasTools: boolean;
  hasJsonSchema: boolean;
}

export function complexityScore(input: ComplexityInput): number {
  let score = Math.min(1, input.estimatedTokens / 4000) * 0.35;
  if (CODE.test(input.text)) score += 0.2;
  const cues = input.text.length > 20_000 ? 3 : (input.text.match(REASONING)?.length ?? 0);
  score += Math.min(3, cues) * 0.1;
  if (input.hasTools) score += 0.1;
  if (input.hasJsonSchema) score += 0.05;
  if (input.messageCount > 6) score += 0.1;
  return Math.round(Math.min(1, score) * 100) / 100;
}

export function complexityTier(score: number): 'simple' | 'moderate' | 'complex' {
  return score < 0.3 ? 'simple' : score < 0.6 ? 'moderate' : 'complex';
}
