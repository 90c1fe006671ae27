/**
 * Applies located findings to texts: `redact` puts `[TYPE]` in place of the value, `pseudonymize`
 * a reversible token of the request's pseudonymizer (`[EMAIL_1]`, restored in the answer).
 * Overlapping findings from different guardrails are merged: the earlier (then longer) one wins.
 */
import { isEntityType, type Pseudonymizer } from '../pii/index.js';
import type { GuardrailFinding, GuardrailText } from '../../../core/index.js';

export interface Rewrite {
  finding: GuardrailFinding;
  how: 'redact' | 'pseudonymize';
}

export function redactionLabel(type: string): string {
  return `[${type.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}]`;
}

/** New text for every text a rewrite touches, by index. */
export function applyRewrites(
  texts: readonly GuardrailText[],
  rewrites: readonly Rewrite[],
  pseudonymizer: () => Pseudonymizer,
): Map<number, string> {
  const byText = new Map<number, Rewrite[]>();
  for (const rewrite of rewrites) {
    const location = rewrite.finding.location;
    if (!location) continue;
    const list = byText.get(location.text);
    if (list) list.push(rewrite);
    else byText.set(location.text, [rewrite]);
  }
  const changed = new Map<number, string>();
  for (const [index, list] of byText) {
    const source = texts[index]?.text;
    if (source === undefined) continue;
    list.sort((a, b) => start(a) - start(b) || end(b) - end(a));
    let out = '';
    let copied = 0;
    for (const rewrite of list) {
      const from = Math.max(0, start(rewrite));
      const to = Math.min(source.length, end(rewrite));
      if (from < copied || to <= from) continue;
      const value = source.slice(from, to);
      const { type } = rewrite.finding;
      const replacement =
        rewrite.how === 'pseudonymize' && isEntityType(type)
          ? pseudonymizer().tokenFor(type, value)
          : redactionLabel(type);
      out += source.slice(copied, from) + replacement;
      copied = to;
    }
    changed.set(index, out + source.slice(copied));
  }
  return changed;
}

const start = (r: Rewrite): number => r.finding.location?.start ?? 0;
const end = (r: Rewrite): number => r.finding.location?.end ?? 0;
