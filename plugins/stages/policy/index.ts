/**
 * The policy decision stage: evaluates the policy files (`policies:` in the configuration) for
 * each request and puts the routing plan on the context — or denies. Without policy files it
 * routes the requested model, the request's `models` fallbacks and aliases, as before, with the
 * same candidate filters and OpenRouter-style preferences.
 *
 * Response headers: `x-switchyard-rule` (the deciding rule), `x-switchyard-policy-revision`
 * (the content hash of the policy files), and with `x-switchyard-explain: 1` on the request
 * `x-switchyard-decision`, a compact decision trace (rules, removed candidates, plan).
 *
 * @example
 * // switchyard.config.yaml
 * // policies: { include: [policies/*.yaml], watch: true }
 */
import {
  createPolicyCatalog,
  createPolicyEngine,
  ChatStream,
  compactTrace,
  defineStage,
  type ChatCompletionChunk,
  type GatewayServices,
  type PolicyEngine,
} from '../../../core/index.js';

const engines = new WeakMap<GatewayServices, PolicyEngine>();

/** The policy engine of a gateway's policy stage (tests, admin tools). */
export function policyEngineOf(services: GatewayServices): PolicyEngine | undefined {
  return engines.get(services);
}

export const policyStage = defineStage<Record<string, never>>({
  name: 'policy',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const config = services.config;
    const engine = createPolicyEngine({
      policies: config.policies,
      catalog: createPolicyCatalog(config, services.catalog),
      logger: services.logger,
      onReload: (loaded) => services.metrics?.reload('policy', loaded.policy ? 'success' : 'failure'),
    });
    engines.set(services, engine);
    // File watchers end with this configuration (a reload, or gateway.close()).
    services.onRetire?.(() => engine.close());
    const explainAllowed = config.policies?.explain ?? true;
    // Candidates whose circuit breaker is open leave the plan (docs/operations.md#circuit-breakers).
    const circuit = services.health?.enabled ? services.health.circuit : undefined;

    return async function policy(ctx, next) {
      const explain = explainAllowed && ctx.headers['x-switchyard-explain'] === '1';
      const decision = engine.decide(
        {
          operation: ctx.operation,
          request: ctx.request,
          caller: ctx.caller,
          headers: ctx.headers,
          findings: ctx.state.findings,
          now: services.now(),
        },
        { trace: explain, circuit },
      );
      ctx.responseHeaders['x-switchyard-rule'] = decision.decidedBy;
      if (decision.revision !== 'none')
        ctx.responseHeaders['x-switchyard-policy-revision'] = decision.revision;
      if (decision.trace) ctx.responseHeaders['x-switchyard-decision'] = compactTrace(decision.trace);
      if (!decision.plan) throw decision.error;
      const plan = decision.plan;
      ctx.plan = plan;
      if (plan.arm) ctx.responseHeaders['x-switchyard-arm'] = plan.arm;

      const first = plan.candidates[0]?.entry.ref;
      if (first) engine.stats.enter(first);
      let streaming = false;
      try {
        await next();
        if (ctx.operation === 'chat' && ctx.stream && first) {
          streaming = true;
          ctx.stream = leaveAfter(ctx.stream, () => engine.stats.leave(first));
        }
      } finally {
        engine.stats.record(ctx.attempts);
        if (first && !streaming) engine.stats.leave(first);
      }
    };
  },
});

function leaveAfter(
  stream: AsyncIterable<ChatCompletionChunk>,
  leave: () => void,
): AsyncIterable<ChatCompletionChunk> {
  return ChatStream.from(stream).use({ finally: leave });
}
