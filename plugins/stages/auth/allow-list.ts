import { globToRegExp } from '../../../core/policy/glob.js';
import type { Candidate, GatewayContext } from '../../../core/index.js';

function matchesAny(value: string, globs: readonly string[]): boolean {
  return globs.some((glob) => globToRegExp(glob, '\u0000').test(value));
}

/** Whether every model the request names (`model` and `models[]`) is on the key's list. */
export function modelAllowed(ctx: GatewayContext, globs: readonly string[]): boolean {
  return [ctx.request.model, ...(ctx.request.models ?? [])].every((name) => matchesAny(name, globs));
}

/** The candidates whose provider and model the key's lists allow. */
export function allowedCandidates(
  candidates: readonly Candidate[],
  allow: { models?: string[]; providers?: string[] },
): Candidate[] {
  return candidates.filter(
    ({ entry }) =>
      (!allow.providers || matchesAny(entry.provider, allow.providers)) &&
      (!allow.models || matchesAny(entry.model, allow.models) || matchesAny(entry.ref, allow.models)),
  );
}
