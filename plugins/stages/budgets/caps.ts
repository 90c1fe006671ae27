import {
  budgetKey,
  SwitchyardError,
  type BudgetCaps,
  type BudgetWindow,
  type GatewayContext,
  type ResolvedAccounting,
} from '../../../core/index.js';

export interface Cap {
  scope: 'key' | 'team' | 'project';
  id: string;
  window: BudgetWindow;
  capMicros: number;
  /** The policy rule's budget profile this cap comes from; it then has a counter of its own. */
  profile?: string;
}

const WINDOWS: readonly BudgetWindow[] = ['day', 'month', 'total'];

function merge(base: BudgetCaps | undefined, own: BudgetCaps | undefined): BudgetCaps | undefined {
  if (!base) return own;
  if (!own) return base;
  return { ...base, ...own };
}

/**
 * The spend caps that apply to this request's key, team and project, and those of the budget
 * profile the policy's plan names (counted per team, else per key).
 */
export function capsFor(ctx: GatewayContext, settings: ResolvedAccounting): Cap[] {
  const caps: Cap[] = [];
  const add = (
    scope: Cap['scope'],
    id: string | undefined,
    budgets: BudgetCaps | undefined,
    profile?: string,
  ) => {
    if (id === undefined || budgets === undefined) return;
    for (const window of WINDOWS) {
      const usd = budgets[window];
      if (usd !== undefined)
        caps.push({ scope, id, window, capMicros: Math.round(usd * 1e6), ...(profile ? { profile } : {}) });
    }
  };
  const caller = ctx.caller;
  const config = settings.budgets;
  add('key', caller?.keyId, merge(config.keys, caller?.budgets));
  const team = caller?.team;
  add('team', team, merge(config.teams, team !== undefined ? settings.teams[team]?.budgets : undefined));
  const project = caller?.project;
  add(
    'project',
    project,
    merge(config.projects, project !== undefined ? settings.projects[project]?.budgets : undefined),
  );
  const profile = ctx.plan?.budget;
  if (profile !== undefined) {
    const profileCaps = settings.budgets.profiles[profile];
    // Policy files are checked against the configured profile names when they load.
    if (profileCaps === undefined) throw unknownProfile('budget', profile);
    if (team !== undefined) add('team', team, profileCaps, profile);
    else add('key', caller?.keyId, profileCaps, profile);
  }
  return caps;
}

/** A plan naming a profile the configuration lacks: a configuration error, never a silent pass. */
export function unknownProfile(kind: 'budget' | 'rateLimit', name: string): SwitchyardError {
  return new SwitchyardError(
    'SY_ERR_CONFIG_INVALID',
    `The policy names ${kind} profile '${name}', which the configuration does not define (${kind === 'budget' ? 'budgets' : 'limits'}.profiles).`,
  );
}

/** The store key of a cap in the period holding `now`. */
export function capKey(cap: Cap, now: number): string {
  const scope = cap.profile === undefined ? cap.scope : `profile:${cap.profile}:${cap.scope}`;
  return budgetKey(scope, cap.id, cap.window, now);
}

export function describeCap(cap: Cap): string {
  const period = cap.window === 'total' ? 'total' : cap.window === 'day' ? 'daily' : 'monthly';
  const owner = cap.profile === undefined ? '' : `budget profile '${cap.profile}' for `;
  return `${owner}${cap.scope} '${cap.id}' ${period} cap of $${(cap.capMicros / 1e6).toFixed(2)}`;
}
