/**
 * The policy decision stage. In its built-in form it turns the requested model, the request's
 * `models` fallback list and the configured aliases into the routing plan; the policy language
 * (rules in JSON Logic) plugs in here.
 */
import {
  defineStage,
  SwitchyardError,
  type Candidate,
  type CatalogEntry,
  type GatewayContext,
} from '../../../core/index.js';

export const policyStage = defineStage<Record<string, never>>({
  name: 'policy',
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    return async function policy(ctx, next) {
      ctx.plan = { candidates: planFor(ctx, services.catalog.resolve), decidedBy: 'default' };
      ctx.responseHeaders['x-switchyard-rule'] = ctx.plan.decidedBy;
      await next();
    };
  },
});

function planFor(ctx: GatewayContext, resolve: (name: string) => readonly CatalogEntry[]): Candidate[] {
  const kind = ctx.operation === 'embeddings' ? 'embeddings' : 'chat';
  const names = [ctx.request.model, ...(ctx.request.models ?? [])];
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  names.forEach((name, index) => {
    const entries = resolve(name);
    if (entries.length === 0) {
      const param = index === 0 ? 'model' : `models[${index - 1}]`;
      throw new SwitchyardError(
        'SY_ERR_MODEL_NOT_FOUND',
        `The model '${name}' does not exist or is not served by this gateway. List the available models with GET /v1/models.`,
        { param },
      );
    }
    for (const entry of entries) {
      if (entry.kind !== kind || seen.has(entry.ref)) continue;
      seen.add(entry.ref);
      candidates.push({ entry });
    }
  });
  if (candidates.length === 0) {
    throw new SwitchyardError(
      'SY_ERR_MODEL_UNSUPPORTED_OPERATION',
      `The model '${ctx.request.model}' cannot serve ${kind} requests. List the available models with GET /v1/models.`,
      { param: 'model' },
    );
  }
  return candidates;
}
