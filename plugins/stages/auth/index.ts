/**
 * Auth: identifies the caller. A caller given to an in-process call (`gateway.chat(request,
 * { caller })`) is trusted as is; otherwise a host's `identify` hook is asked first; otherwise a request
 * carries an API key as `Authorization: Bearer …` or `x-api-key`: a static key from the
 * configuration or a virtual `sy-…` key created through the admin API. Missing, unknown, expired
 * and disabled keys all get the same 401. Without any keys configured every caller is anonymous.
 *
 * It also attaches bring-your-own-key credentials: the team's configured provider keys and, when
 * the team allows it, one sent in `x-switchyard-provider-key: <provider>=<key>`.
 */
import {
  defineStage,
  lookupPrefix,
  SwitchyardError,
  type Caller,
  type GatewayContext,
  type GatewayServices,
  type KeyRecord,
} from '../../../core/index.js';
import { modelAllowed } from './allow-list.js';

export const authStage = defineStage<Record<string, never>>({
  name: 'auth',
  replacesRequest: true,
  optionsSchema: { type: 'object', additionalProperties: false },
  create(_options, services) {
    const settings = services.config.accounting;
    const keys = services.keys;
    const required = settings.auth.required;
    const anonymous: Caller = Object.freeze({ id: 'anonymous', labels: {} }) as Caller;
    const callers = new WeakMap<KeyRecord, Caller>();

    function callerOf(record: KeyRecord): Caller {
      let caller = callers.get(record);
      if (!caller) {
        caller = toCaller(record, services);
        callers.set(record, caller);
      }
      return caller;
    }

    /** Puts the caller on the context (or refuses), then checks what the caller may do. */
    function admit(ctx: GatewayContext, identified: Caller | undefined, record: KeyRecord | undefined): void {
      if (identified) {
        ctx.caller = identified;
      } else if (record) ctx.caller = callerOf(record);
      else if (!required) ctx.caller ??= anonymous;
      else {
        // One message for every failure: nothing that tells a guesser which part was wrong.
        throw new SwitchyardError('SY_ERR_AUTH_UNAUTHORIZED', 'Invalid or missing API key.');
      }
      const caller = ctx.caller;
      if (caller?.allow?.models && !modelAllowed(ctx, caller.allow.models)) {
        throw new SwitchyardError(
          'SY_ERR_AUTH_FORBIDDEN',
          `This key may not use the model '${ctx.request.model}'.`,
          {
            param: 'model',
          },
        );
      }
      withHeaderCredentials(ctx, services);
    }

    async function identifyThen(ctx: GatewayContext, next: () => Promise<void>): Promise<void> {
      const identified = await services.identify?.(ctx);
      admit(ctx, identified, identified ? undefined : await authenticate(ctx));
      await next();
    }

    async function authenticateThen(
      ctx: GatewayContext,
      next: () => Promise<void>,
      presented: string,
    ): Promise<void> {
      admit(ctx, undefined, await keys?.authenticate(presented));
      await next();
    }

    function authenticate(ctx: GatewayContext): Promise<KeyRecord | undefined> | undefined {
      const presented = bearer(ctx.headers.authorization) ?? single(ctx.headers['x-api-key']);
      return presented && keys ? keys.authenticate(presented) : undefined;
    }

    // Not async: a request that needs no lookup (an anonymous caller, a trusted in-process one)
    // goes on to the next stage without a promise and a microtask of its own.
    return function auth(ctx, next) {
      try {
        // A caller already on the context (an in-process call's trusted caller) is kept.
        const known = ctx.caller;
        if (known === undefined && services.identify) return identifyThen(ctx, next);
        if (known === undefined) {
          const presented = bearer(ctx.headers.authorization) ?? single(ctx.headers['x-api-key']);
          // Without static keys only a virtual key (`sy-…`) can match: anything else is no key,
          // known without hashing it.
          if (presented && keys && (keys.size > 0 || lookupPrefix(presented) !== undefined)) {
            return authenticateThen(ctx, next, presented);
          }
        }
        admit(ctx, known, undefined);
      } catch (error) {
        return Promise.reject(error);
      }
      return next();
    };
  },
});

function toCaller(record: KeyRecord, services: GatewayServices): Caller {
  const caller: Caller = { id: record.id, keyId: record.id, labels: record.labels ?? {} };
  if (record.team !== undefined) caller.team = record.team;
  if (record.project !== undefined) caller.project = record.project;
  if (record.user !== undefined) caller.user = record.user;
  if (record.models || record.providers) {
    caller.allow = {};
    if (record.models) caller.allow.models = record.models;
    if (record.providers) caller.allow.providers = record.providers;
  }
  if (record.limits) caller.limits = record.limits;
  if (record.budgets) caller.budgets = record.budgets;
  const team = record.team !== undefined ? services.config.accounting.teams[record.team] : undefined;
  if (team?.credentials) caller.credentials = team.credentials;
  return caller;
}

/** `x-switchyard-provider-key: openai=sk-…`, honoured only for teams with `allowKeyHeader`. */
function withHeaderCredentials(ctx: GatewayContext, services: GatewayServices): void {
  const header = ctx.headers['x-switchyard-provider-key'];
  if (header === undefined) return;
  const team = ctx.caller?.team;
  if (team === undefined || services.config.accounting.teams[team]?.allowKeyHeader !== true) {
    throw new SwitchyardError(
      'SY_ERR_AUTH_FORBIDDEN',
      'This key may not bring its own provider key (x-switchyard-provider-key).',
    );
  }
  const credentials: Record<string, { apiKey: string }> = { ...ctx.caller?.credentials };
  for (const value of Array.isArray(header) ? header : [header]) {
    const at = value.indexOf('=');
    const provider = value.slice(0, at).trim();
    const apiKey = value.slice(at + 1).trim();
    if (at <= 0 || apiKey === '' || !services.providers.has(provider)) {
      throw new SwitchyardError(
        'SY_ERR_REQUEST_INVALID',
        'x-switchyard-provider-key must be <provider id>=<key> naming a configured provider.',
      );
    }
    credentials[provider] = { apiKey };
  }
  ctx.caller = { ...(ctx.caller as Caller), credentials };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function bearer(header: string | string[] | undefined): string | undefined {
  const value = single(header);
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}
