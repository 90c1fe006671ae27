/**
 * Overlap resolution between detectors. Two detectors can claim the same characters (a JWT whose
 * payload holds an email, a card-shaped run inside an IBAN, an AWS key id inside a PEM body); the
 * finding kept is the one with the higher score, then the more specific type, then the longer span.
 */
import type { EntityType, Finding } from './types.js';

/** Higher is more specific: a match of that type rules out the generic reading of the same text. */
export const SPECIFICITY: Readonly<Record<EntityType, number>> = {
  private_key: 9,
  jwt: 8,
  api_key: 7,
  iban: 6,
  card: 5,
  email: 4,
  ssn: 3,
  ip: 2,
  phone: 1,
};

function compare(a: Finding, b: Finding): number {
  return (
    b.score - a.score ||
    SPECIFICITY[b.type] - SPECIFICITY[a.type] ||
    b.end - b.start - (a.end - a.start) ||
    a.start - b.start
  );
}

/**
 * Keeps a non-overlapping subset, best first, and returns it sorted by position. Occupied
 * characters are marked in a byte array, so the cost is linear in the total length of the findings
 * (each detector's own findings never overlap, so that total is at most a few times the text).
 */
export function resolveOverlaps(findings: readonly Finding[], textLength: number): Finding[] {
  if (findings.length <= 1) return [...findings];
  // The usual case: nothing overlaps, and sorting by position is all there is to do.
  const byStart = [...findings].sort((a, b) => a.start - b.start || a.end - b.end);
  let overlapping = false;
  for (let i = 1; i < byStart.length && !overlapping; i++) {
    overlapping = (byStart[i] as Finding).start < (byStart[i - 1] as Finding).end;
  }
  if (!overlapping) return byStart;
  const ranked = [...findings].sort(compare);
  if (ranked.length <= 16) return keepFew(ranked);
  const taken = new Uint8Array(textLength);
  const kept: Finding[] = [];
  for (const finding of ranked) {
    let free = true;
    for (let i = finding.start; i < finding.end; i++) {
      if (taken[i] === 1) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    taken.fill(1, finding.start, finding.end);
    kept.push(finding);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Few findings (the usual case): pairwise checks beat allocating a byte per character. */
function keepFew(ranked: readonly Finding[]): Finding[] {
  const kept: Finding[] = [];
  for (const finding of ranked) {
    if (kept.every((other) => finding.end <= other.start || other.end <= finding.start)) kept.push(finding);
  }
  return kept.sort((a, b) => a.start - b.start);
}
