/**
 * Routing strategies: how the remaining candidates are ordered. Failover then walks the order.
 *
 * - ordered: as listed.
 * - weighted: one arm drawn by weight (A/B splits), sticky per user or session through a hash,
 *   the others after it by weight; the arm is recorded on the plan.
 * - cheapest: lowest estimated cost for this request first (unknown prices last).
 * - fastest: lowest recent latency first (candidates without figures after those with).
 * - least-busy: fewest requests in flight first.
 * Sorts are stable, so ties keep the listed order.
 */
import { createHash } from 'node:crypto';
import type { Facts } from './facts.js';
import { estimatedCost, type Working } from './filters.js';
import type { StatsTracker } from './stats.js';
import type { Strategy } from './types.js';

export interface StrategyInput {
  /** What the cost-based order reads. */
  basics: Pick<Facts['request'], 'estimatedPromptTokens' | 'maxOutputTokens'>;
  /** All the facts (sticky routing reads the caller and the request), built on first call. */
  facts: () => Facts;
  stats: StatsTracker;
  sticky: 'none' | 'user' | 'session';
  random: () => number;
}

export function orderCandidates(
  strategy: Strategy,
  candidates: readonly Working[],
  input: StrategyInput,
): { ordered: Working[]; arm?: string } {
  switch (strategy) {
    case 'ordered':
      return { ordered: [...candidates] };
    case 'cheapest': {
      const { estimatedPromptTokens, maxOutputTokens } = input.basics;
      return {
        ordered: sortBy(candidates, (c) => estimatedCost(c.entry, estimatedPromptTokens, maxOutputTokens)),
      };
    }
    case 'fastest':
      return { ordered: sortBy(candidates, (c) => input.stats.get(c.entry.ref)?.latencyMs ?? null) };
    case 'least-busy':
      return { ordered: sortBy(candidates, (c) => input.stats.get(c.entry.ref)?.inFlight ?? 0) };
    case 'weighted':
      return weighted(candidates, input);
  }
}

function sortBy(candidates: readonly Working[], key: (candidate: Working) => number | null): Working[] {
  return candidates
    .map((candidate, index) => ({ candidate, index, key: key(candidate) }))
    .sort((a, b) => {
      if (a.key === b.key) return a.index - b.index;
      if (a.key === null) return 1;
      if (b.key === null) return -1;
      return a.key - b.key || a.index - b.index;
    })
    .map((item) => item.candidate);
}

function weighted(
  candidates: readonly Working[],
  input: StrategyInput,
): { ordered: Working[]; arm?: string } {
  const total = candidates.reduce((sum, c) => sum + c.weight, 0);
  if (candidates.length === 0 || total <= 0) return { ordered: [...candidates] };
  const key = stickyKey(input);
  const point = (key === undefined ? input.random() : unitHash(key)) * total;
  let acc = 0;
  let chosen = candidates.length - 1;
  for (let i = 0; i < candidates.length; i++) {
    acc += (candidates[i] as Working).weight;
    if (point < acc) {
      chosen = i;
      break;
    }
  }
  const arm = candidates[chosen] as Working;
  const rest = candidates.filter((_, i) => i !== chosen).sort((a, b) => b.weight - a.weight);
  return { ordered: [arm, ...rest], arm: arm.entry.ref };
}

function stickyKey(input: StrategyInput): string | undefined {
  if (input.sticky === 'none') return undefined;
  const { request, caller } = input.facts();
  if (input.sticky === 'user')
    return caller.user ?? request.user ?? (caller.id === 'anonymous' ? undefined : caller.id);
  if (input.sticky === 'session') {
    return (
      request.metadata.session_id ??
      request.headers['x-session-id'] ??
      caller.user ??
      request.user ??
      undefined
    );
  }
  return undefined;
}

/** A stable number in [0, 1) for a key. */
export function unitHash(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}
