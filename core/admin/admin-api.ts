/**
 * The admin API under `/admin`: virtual keys (create, list, show, disable, enable, rotate,
 * delete) and usage reports from the ledger. Mounted only when `admin.keys` is configured.
 */
import Router from 'koa-router';
import type { Context, Middleware } from 'koa';
import { schemaIssues } from '../config/validate.js';
import { budgetCapsSchema, rateLimitSchema } from '../config/accounting-schema.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { readJsonBody } from '../http/read-body.js';
import type { KeyAttributes, KeyRegistry } from '../keys/index.js';
import { parseSince, type Ledger, type UsageDimension } from '../ledger/index.js';
import { requireAdmin } from './admin-auth.js';

export interface AdminApiDeps {
  adminDigests: readonly string[];
  keys: KeyRegistry;
  ledger: Ledger;
  now: () => number;
}

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } };
const createSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['team'],
  properties: {
    team: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    project: { type: 'string', minLength: 1 },
    user: { type: 'string', minLength: 1 },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    expiresAt: {
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'integer', minimum: 0 },
      ],
    },
    models: stringList,
    providers: stringList,
    limits: rateLimitSchema,
    budgets: budgetCapsSchema,
  },
};
const DIMENSIONS: readonly UsageDimension[] = ['team', 'key', 'model', 'provider', 'project', 'user'];

export function createAdminApi(deps: AdminApiDeps, prefix = ''): Middleware {
  const router = new Router({ prefix: `${prefix}/admin` });
  const { keys } = deps;

  router.use(async function adminAuth(koa, next) {
    await requireAdmin(koa as unknown as Context, deps.adminDigests, keys);
    await next();
  });

  router.post('/keys', async (koa) => {
    const body = await jsonBody(koa as unknown as Context);
    const issues = schemaIssues(createSchema, body);
    if (issues.length > 0) {
      const text = issues.map((issue) => `${issue.path || 'body'} ${issue.message}`).join('; ');
      throw new SwitchyardError('SY_ERR_REQUEST_INVALID', `Invalid key: ${text}`);
    }
    const input = body as Omit<KeyAttributes, 'expiresAt'> & { expiresAt?: string | number };
    const attributes: KeyAttributes = { ...input, expiresAt: expiryOf(input.expiresAt) };
    if (attributes.expiresAt === undefined) delete attributes.expiresAt;
    const created = await keys.create(attributes);
    koa.status = 201;
    koa.body = { ...created.record, key: created.key };
  });

  router.get('/keys', async (koa) => {
    const team = koa.query.team;
    const all = await keys.list();
    koa.body = { object: 'list', data: typeof team === 'string' ? all.filter((k) => k.team === team) : all };
  });

  router.get('/keys/:id', async (koa) => {
    koa.body = await keys.get(koa.params.id ?? '');
  });

  router.post('/keys/:id/disable', async (koa) => {
    koa.body = await keys.setDisabled(koa.params.id ?? '', true);
  });

  router.post('/keys/:id/enable', async (koa) => {
    koa.body = await keys.setDisabled(koa.params.id ?? '', false);
  });

  router.post('/keys/:id/rotate', async (koa) => {
    const body = (await jsonBody(koa as unknown as Context, true)) as { graceSeconds?: unknown };
    const grace = body.graceSeconds ?? 0;
    if (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0) {
      throw new SwitchyardError('SY_ERR_REQUEST_INVALID', 'graceSeconds must be a non-negative integer.', {
        param: 'graceSeconds',
      });
    }
    const rotated = await keys.rotate(koa.params.id ?? '', grace * 1000);
    koa.body = { ...rotated.record, key: rotated.key };
  });

  router.delete('/keys/:id', async (koa) => {
    await keys.remove(koa.params.id ?? '');
    koa.body = { id: koa.params.id, object: 'key', deleted: true };
  });

  router.get('/usage', async (koa) => {
    const by = String(koa.query.by ?? 'team') as UsageDimension;
    if (!DIMENSIONS.includes(by)) {
      throw new SwitchyardError('SY_ERR_REQUEST_INVALID', `by must be one of ${DIMENSIONS.join(', ')}.`, {
        param: 'by',
      });
    }
    const sinceText = String(koa.query.since ?? '7d');
    let since: number;
    try {
      since = parseSince(sinceText, deps.now());
    } catch (error) {
      throw new SwitchyardError('SY_ERR_REQUEST_INVALID', (error as Error).message, { param: 'since' });
    }
    await deps.ledger.flush();
    const data = await deps.ledger.usage({ by, since });
    koa.body = { object: 'usage', by, since: new Date(since).toISOString(), data };
  });

  const routes = router.routes() as unknown as Middleware;
  const methods = router.allowedMethods({ throw: true }) as unknown as Middleware;
  return async function adminApi(koa, next) {
    await routes(koa, () => methods(koa, next));
  };
}

async function jsonBody(koa: Context, optional = false): Promise<Record<string, unknown>> {
  const length = koa.get('content-length');
  if (optional && (length === '' || length === '0') && !koa.get('transfer-encoding')) return {};
  const body = await readJsonBody(koa.req, 1024 * 1024, (koa.request as { body?: unknown }).body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SwitchyardError('SY_ERR_REQUEST_INVALID', 'The body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function expiryOf(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(at)) {
    throw new SwitchyardError('SY_ERR_REQUEST_INVALID', 'expiresAt must be an ISO date or epoch ms.', {
      param: 'expiresAt',
    });
  }
  return at;
}
