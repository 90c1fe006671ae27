/**
 * Provider-sticky routing: the requests of one conversation go to the provider endpoint that
 * answered it last, for `ttlSeconds` after its last request, so the provider's prompt cache
 * (OpenAI's automatic prefix cache, Anthropic's `cache_control`, Gemini's implicit cache) keeps
 * paying off. It runs after the policy decided: the sticky candidate moves to the front of the
 * plan only when the plan still holds it and its recent error rate is below `maxErrorRate`.
 * When it fails, failover proceeds as usual and whichever candidate answers becomes sticky.
 * The mapping lives in the shared store, so every instance routes a conversation alike.
 */
import {
  cacheNamespace,
  canonicalJson,
  sha256,
  type ChatContext,
  type GatewayServices,
  type StateStore,
  type StickyConfig,
  type StickyKeySource,
} from '../../../core/index.js';
import { policyEngineOf } from '../policy/index.js';

export interface Stickiness {
  /** Puts the conversation's provider first; returns the store key to remember the answer under. */
  prefer(ctx: ChatContext): Promise<string | undefined>;
  /** Remembers (and refreshes) which candidate answered the conversation. */
  remember(ctx: ChatContext, key: string): Promise<void>;
}

const STICKY_DEFAULTS = { ttlSeconds: 300, prefixMessages: 1, maxErrorRate: 0.5 } as const;
const DEFAULT_SOURCES: readonly StickyKeySource[] = ['session', 'prefix'];

function header(ctx: ChatContext, name: string): string | undefined {
  const value = ctx.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

function sessionOf(ctx: ChatContext): string | undefined {
  return header(ctx, 'x-switchyard-session') ?? ctx.request.metadata?.session_id ?? undefined;
}

/** What identifies the conversation, from the first source that has something. */
export function conversationId(
  ctx: ChatContext,
  sources: readonly StickyKeySource[],
  prefixMessages: number,
): string | undefined {
  for (const source of sources) {
    if (source === 'session') {
      const session = sessionOf(ctx);
      if (session !== undefined) return `session:${session}`;
    } else if (source === 'user') {
      const user = ctx.request.user ?? ctx.caller?.user;
      const session = sessionOf(ctx);
      if (user !== undefined) return `user:${user}:${session ?? ''}`;
    } else {
      const system = ctx.request.messages.filter((m) => m.role === 'system' || m.role === 'developer');
      const rest = ctx.request.messages.filter((m) => m.role !== 'system' && m.role !== 'developer');
      const leading = rest.slice(0, prefixMessages).map((m) => ({ role: m.role, content: m.content }));
      if (system.length + leading.length === 0) continue;
      const prefix = { system: system.map((m) => m.content ?? null), leading };
      return `prefix:${sha256(canonicalJson(prefix))}`;
    }
  }
  return undefined;
}

export function createStickiness(
  config: StickyConfig,
  services: GatewayServices,
  store: StateStore,
): Stickiness {
  const ttlMs = (config.ttlSeconds ?? STICKY_DEFAULTS.ttlSeconds) * 1000;
  const sources = config.keyFrom ?? DEFAULT_SOURCES;
  const prefixMessages = config.prefixMessages ?? STICKY_DEFAULTS.prefixMessages;
  const maxErrorRate = config.maxErrorRate ?? STICKY_DEFAULTS.maxErrorRate;
  const healthy = (ref: string): boolean => {
    const stat = policyEngineOf(services)?.stats.get(ref);
    return stat === undefined || stat.errorRate < maxErrorRate;
  };
  const log = services.logger;

  return {
    async prefer(ctx) {
      const plan = ctx.plan;
      if (!plan || plan.candidates.length === 0) return undefined;
      const id = conversationId(ctx, sources, prefixMessages);
      if (id === undefined) return undefined;
      const key = `sticky:v1:${encodeURIComponent(cacheNamespace(ctx.caller, false))}:${sha256(id)}`;
      let ref: unknown;
      try {
        ref = await store.get(key);
      } catch (err) {
        log.debug({ err }, 'sticky lookup failed; routing as planned');
        return key;
      }
      if (typeof ref !== 'string') return key;
      const index = plan.candidates.findIndex((candidate) => candidate.entry.ref === ref);
      if (index < 0 || !healthy(ref)) return key;
      ctx.responseHeaders['x-switchyard-sticky'] = ref;
      if (index > 0) {
        const candidates = [...plan.candidates];
        const [sticky] = candidates.splice(index, 1);
        if (sticky) ctx.plan = { ...plan, candidates: [sticky, ...candidates] };
      }
      return key;
    },

    async remember(ctx, key) {
      const served = ctx.served;
      if (!served) return;
      try {
        await store.set(key, served.ref, ttlMs);
      } catch (err) {
        log.debug({ err }, 'sticky write failed');
      }
    },
  };
}
