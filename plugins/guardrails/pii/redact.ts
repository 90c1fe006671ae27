/**
 * Irreversible redaction: each finding becomes a typed placeholder (`[EMAIL_1]`, `[CARD_1]`, …).
 * The same value gets the same placeholder within one call, so the model can still tell that two
 * mentions are the same person or card. For a reversible variant see `pseudonymizer.ts`.
 */
import { detectPii, type DetectOptions } from './detect.js';
import { formatToken } from './tokens.js';
import type { EntityType, Finding } from './types.js';

export interface RedactOptions extends DetectOptions {
  /** Findings computed already (sorted, non-overlapping); detection is skipped when given. */
  findings?: readonly Finding[];
}

export interface RedactResult {
  text: string;
  findings: Finding[];
}

/** Replaces sorted, non-overlapping findings in one pass. */
export function replaceFindings(
  text: string,
  findings: readonly Finding[],
  replacement: (finding: Finding) => string,
): string {
  if (findings.length === 0) return text;
  const parts: string[] = [];
  let copied = 0;
  for (const finding of findings) {
    parts.push(text.slice(copied, finding.start), replacement(finding));
    copied = finding.end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * @example
 * redactPii('Card 4111 1111 1111 1111, mail bob@example.com').text;
 * // → 'Card [CARD_1], mail [EMAIL_1]'
 */
export function redactPii(text: string, options: RedactOptions = {}): RedactResult {
  const findings = options.findings ? [...options.findings] : detectPii(text, options);
  const counters = new Map<EntityType, number>();
  const placeholders = new Map<string, string>();
  const redacted = replaceFindings(text, findings, (finding) => {
    const key = `${finding.type}\u0000${finding.value}`;
    let placeholder = placeholders.get(key);
    if (placeholder === undefined) {
      const index = (counters.get(finding.type) ?? 0) + 1;
      counters.set(finding.type, index);
      placeholder = formatToken(finding.type, index);
      placeholders.set(key, placeholder);
    }
    return placeholder;
  });
  return { text: redacted, findings };
}
