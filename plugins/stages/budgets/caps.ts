import type { BudgetCaps, BudgetWindow, GatewayContext, ResolvedAccounting } from '../../../core/index.js';

export interface Cap {
  scope: 'key' | 'team' | 'project';
  id: string;
  window: BudgetWindow;
  capMicros: number;
}

const WINDOWS: readonly BudgetWindow[] = ['day', 'month', 'total'];

function merge(base: BudgetCaps | undefined, own: BudgetCaps | undefined): BudgetCaps | undefined {
  if (!base) return own;
  if (!own) return base;
  return { ...base, ...own };
}

/** The spend caps that apply to this request's key, team and project. */
export function capsFor(ctx: GatewayContext, settings: ResolvedAccounting): Cap[] {
  const caps: Cap[] = [];
  const add = (scope: Cap['scope'], id: string | undefined, budgets: BudgetCaps | undefined) => {
    if (id === undefined || budgets === undefined) return;
    for (const window of WINDOWS) {
      const usd = budgets[window];
      if (usd !== undefined) caps.push({ scope, id, window, capMicros: Math.round(usd * 1e6) });
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
  return caps;
}

export function describeCap(cap: Cap): string {
  const period = cap.window === 'total' ? 'total' : cap.window === 'day' ? 'daily' : 'monthly';
  return `${cap.scope} '${cap.id}' ${period} cap of $${(cap.capMicros / 1e6).toFixed(2)}`;
}
