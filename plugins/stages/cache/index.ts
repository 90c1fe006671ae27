/**
 * The cache stage: answers repeated identical requests without a provider call, makes
 * concurrent identical requests share one call (single-flight), and keeps each conversation on
 * the provider that answered it (provider-sticky routing, for the providers' prompt caches).
 * It sits after the policy and data policy, so the plan it keys on is final, and inside the
 * output guardrails, so answers served from it are checked too. See docs/cache.md.
 *
 * Left out of the chain when there is no `cache` or `sticky` section and no policy files
 * (only a policy rule's `cache` could turn it on).
 *
 * @example
 * // switchyard.config.yaml
 * // cache: { backend: store, defaultTtlSeconds: 600, cacheableWhen: temperatureZeroOnly }
 * // sticky: { ttlSeconds: 300, keyFrom: [session, prefix] }
 */
import {
  createMemoryCacheBackend,
  createStoreCacheBackend,
  defineStage,
  resolveCacheSettings,
  type ChatContext,
  type GatewayServices,
} from '../../../core/index.js';
import { ResponseCache } from './response-cache.js';
import { createStickiness, type Stickiness } from './sticky.js';

export { ResponseCache, type CachePlan } from './response-cache.js';
export { conversationId, createStickiness, type Stickiness } from './sticky.js';

function createResponseCache(services: GatewayServices): ResponseCache | undefined {
  const source = services.config.source;
  const settings = resolveCacheSettings(source.cache);
  // Nothing could turn caching on: no section (or `enabled: false`) and no policy rule.
  if (!settings.allowed || (!settings.byDefault && services.config.policies === undefined)) return undefined;
  const store = services.store;
  const backend =
    settings.backend === 'store' && store
      ? createStoreCacheBackend(store)
      : createMemoryCacheBackend({ maxBytes: settings.maxBytes });
  return new ResponseCache(settings, backend, services);
}

export const cacheStage = defineStage<Record<string, never>>({
  name: 'cache',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const cache = createResponseCache(services);
    const stickyConfig = services.config.source.sticky;
    const sticky: Stickiness | undefined =
      stickyConfig && stickyConfig.enabled !== false && services.store
        ? createStickiness(stickyConfig, services, services.store)
        : undefined;
    if (!cache && !sticky) return undefined;

    const route = async (ctx: ChatContext, next: () => Promise<void>): Promise<void> => {
      const key = sticky ? await sticky.prefer(ctx) : undefined;
      await next();
      if (sticky && key !== undefined) await sticky.remember(ctx, key);
    };

    return async function cacheAndStick(ctx, next) {
      if (ctx.operation !== 'chat') return next();
      const plan = cache?.plan(ctx);
      if (!cache || !plan) return route(ctx, next);
      await cache.run(ctx, plan, () => route(ctx, next));
    };
  },
});
