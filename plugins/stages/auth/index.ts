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
  SwitchyardError,
  type Caller,
  type GatewayContext,
  type GatewayServices,
  type KeyRecord,
} from '../../../core/index.js';
import { modelAllowed } from './allow-list.js';

export const authStage = defineStage<Record<string, never>>({
  name: 'auth',
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

    return async function auth(ctx, next) {
      // A caller already on the context (an in-process call's trusted caller) is kept.
      const identified = ctx.caller ?? (services.identify ? await services.identify(ctx) : undefined);
      if (identified) {
        ctx.caller = identified;
      } else {
        const presented = bearer(ctx.headers.authorization) ?? single(ctx.headers['x-api-key']);
        const record = presented && keys ? await keys.authenticate(presented) : undefined;
        if (record) ctx.caller = callerOf(record);
        else if (!required) ctx.caller ??= anonymous;
        else {
          // One message for every failure: nothing that tells a guesser which part was wrong.
          throw new SwitchyardError('SY_ERR_AUTH_UNAUTHORIZED', 'Invalid or missing API key.');
        }
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
      await next();
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
