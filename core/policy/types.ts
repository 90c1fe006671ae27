/**
 * The policy language's document shapes (as policies/schema/policy.schema.json describes them)
 * and the compiled form the decision runs on.
 */
import type { CatalogEntry } from '../catalog.js';
import type { Evaluate } from './logic.js';

export type Logic = unknown;

export const PREFERENCE_NAMES = [
  'models',
  'order',
  'only',
  'ignore',
  'allow_fallbacks',
  'sort',
  'max_price',
  'data_collection',
  'zdr',
  'require_parameters',
  'floor',
  'nitro',
] as const;
export type PreferenceName = (typeof PREFERENCE_NAMES)[number];

export interface PreferencePolicyDocument {
  allow?: 'all' | PreferenceName[];
  refused?: 'error' | 'ignore';
}

export interface PricePerMillion {
  input?: number;
  output?: number;
}

export type Strategy = 'ordered' | 'weighted' | 'cheapest' | 'fastest' | 'least-busy';

export interface RouteDocument {
  candidates?: (string | { ref: string; weight?: number })[];
  strategy?: Strategy;
  sticky?: 'none' | 'user' | 'session';
  fallbacks?: string[];
  maxPrice?: PricePerMillion;
  filter?: Logic;
}

export interface DataRequirements {
  regions?: string[];
  zeroDataRetention?: boolean;
  trainsOnData?: false;
  maxRetentionDays?: number;
  certifications?: string[];
}

export interface RuleSettings {
  cache?: { enabled: boolean; ttlSeconds?: number };
  guardrails?: string;
  budget?: string;
  rateLimit?: string;
  labels?: Record<string, string>;
}

export interface RuleDocument extends RuleSettings {
  name: string;
  description?: string;
  when?: Logic;
  continue?: boolean;
  deny?: { status?: number; message: string };
  route?: RouteDocument;
  require?: DataRequirements;
  preferences?: PreferencePolicyDocument;
}

export interface PolicyDocument {
  $schema?: string;
  version: 1;
  name?: string;
  description?: string;
  facts?: { headers?: string[] };
  preferences?: PreferencePolicyDocument;
  conditions?: Record<string, Logic>;
  rules?: RuleDocument[];
}

/** A preference policy with defaults applied. */
export interface PreferencePolicy {
  readonly allow: ReadonlySet<PreferenceName>;
  readonly refused: 'error' | 'ignore';
}

/** A candidate reference resolved against the catalog at compile time. */
export interface ResolvedRef {
  readonly ref: string;
  readonly weight: number;
  /** Entries in service. */
  readonly entries: readonly CatalogEntry[];
  /** Entries declared in the configuration but out of service, with the reason. */
  readonly unavailable: readonly { ref: string; reason: string }[];
}

export interface CompiledRoute {
  readonly candidates: readonly ResolvedRef[] | undefined;
  readonly strategy: Strategy;
  readonly sticky: 'none' | 'user' | 'session';
  readonly fallbacks: readonly ResolvedRef[];
  readonly maxPrice: PricePerMillion | undefined;
  readonly filter: Evaluate | undefined;
  readonly filterSource: Logic;
}

export interface CompiledRule {
  readonly name: string;
  readonly file: string;
  readonly index: number;
  /** Undefined for a rule without `when`: it always matches. */
  readonly when: Evaluate | undefined;
  readonly whenSource: Logic;
  readonly continue: boolean;
  readonly deny: { status: number; message: string } | undefined;
  readonly route: CompiledRoute | undefined;
  readonly require: DataRequirements | undefined;
  readonly settings: RuleSettings;
  readonly preferences: PreferencePolicy | undefined;
}

export interface CompiledPolicy {
  /** Content hash of the policy files (`sha256:` + 16 hex), or `none` without files. */
  readonly revision: string;
  readonly files: readonly string[];
  readonly rules: readonly CompiledRule[];
  readonly preferences: PreferencePolicy;
  /** Request headers exposed as facts. */
  readonly headers: readonly string[];
  /** Named condition sources, for explain. */
  readonly conditions: ReadonlyMap<string, Logic>;
}
