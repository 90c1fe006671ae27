/**
 * Gathers a request's data-handling requirements, each with its source: the caller's request
 * (`x-switchyard-zdr: 1`, `provider.zdr: true`, `provider.data_collection: deny`), the caller's
 * team and labels (`dataPolicy.teams`, `dataPolicy.labels`), and guardrail findings
 * (`dataPolicy.findings`). Rule `require:` blocks of the policy were applied by the policy already.
 */
import type { DataPolicyConfig, DataRequirements, GatewayContext } from '../../../core/index.js';

export interface SourcedRequirement {
  source: string;
  requirement: DataRequirements;
}

const DEFAULT_ZDR_HEADER = 'x-switchyard-zdr';

export function gatherRequirements(ctx: GatewayContext, config: DataPolicyConfig = {}): SourcedRequirement[] {
  const found: SourcedRequirement[] = [];
  const header = (config.zdrHeader ?? DEFAULT_ZDR_HEADER).toLowerCase();
  const zdr = ctx.headers[header];
  const value = Array.isArray(zdr) ? zdr[0] : zdr;
  if (value === '1' || value?.toLowerCase() === 'true') {
    found.push({ source: `header ${header}`, requirement: { zeroDataRetention: true } });
  }
  const provider = ctx.request.provider as { zdr?: unknown; data_collection?: unknown } | undefined;
  if (provider?.zdr === true) {
    found.push({ source: 'request provider.zdr', requirement: { zeroDataRetention: true } });
  }
  if (provider?.data_collection === 'deny') {
    found.push({ source: 'request provider.data_collection', requirement: { trainsOnData: false } });
  }
  const caller = ctx.caller;
  const team = caller?.team === undefined ? undefined : config.teams?.[caller.team];
  if (team) found.push({ source: `team ${caller?.team}`, requirement: team });
  for (const [label, requirement] of Object.entries(config.labels ?? {})) {
    const [name, ...rest] = label.split('=');
    if (name !== undefined && caller?.labels[name] === rest.join('=')) {
      found.push({ source: `label ${label}`, requirement });
    }
  }
  if (config.findings) {
    const types = new Set((ctx.state.findings ?? []).map((finding) => finding.type));
    for (const type of types) {
      const requirement = config.findings[type] ?? config.findings['*'];
      if (requirement) found.push({ source: `finding ${type}`, requirement });
    }
  }
  return found;
}

/** `zeroDataRetention, regions eu|ch` — a requirement in words, for errors and the audit. */
export function describe(requirement: DataRequirements): string {
  const parts: string[] = [];
  if (requirement.zeroDataRetention) parts.push('zero data retention');
  if (requirement.trainsOnData === false) parts.push('no training on data');
  if (requirement.regions) parts.push(`regions ${requirement.regions.join('|')}`);
  if (requirement.maxRetentionDays !== undefined)
    parts.push(`retention ≤ ${requirement.maxRetentionDays} days`);
  if (requirement.certifications) parts.push(`certifications ${requirement.certifications.join(', ')}`);
  return parts.join(', ') || 'nothing';
}
