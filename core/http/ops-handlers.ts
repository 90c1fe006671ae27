/**
 * The operations endpoints: GET /metrics (Prometheus exposition), GET /health/providers (circuit
 * breakers as JSON) and GET /ready (readiness: serving, policy loaded, store reachable).
 * GET /health (liveness) stays in ./handlers.ts.
 */
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { GatewayServices } from '../services.js';
import type { StateStore } from '../store/index.js';
import type { HttpCall } from './http-call.js';
import type { InflightTracker } from './inflight.js';

const STORE_PING_TIMEOUT_MS = 1_000;

export function createOpsHandlers(deps: { services: GatewayServices; inflight: InflightTracker }) {
  const { services, inflight } = deps;
  const metricsEnabled = services.config.source.metrics?.enabled !== false;

  async function metrics(call: HttpCall): Promise<void> {
    if (!services.metrics || !metricsEnabled) {
      throw new SwitchyardError(
        'SY_ERR_ROUTE_NOT_FOUND',
        'Metrics are switched off (metrics.enabled: false).',
      );
    }
    const { contentType, body } = await services.metrics.scrape();
    call.takeOver();
    call.res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    call.res.end(body);
  }

  async function providers(call: HttpCall): Promise<void> {
    const report = services.health?.report(services.catalog.entries);
    call.send(200, report ?? { breakers: { enabled: false }, providers: [] });
  }

  async function ready(call: HttpCall): Promise<void> {
    const checks: Record<string, string> = {};
    let ok = !inflight.closing;
    checks.serving = inflight.closing ? 'closing' : 'ok';
    // The gateway exists only once its policy compiled; a failed reload keeps the last good one.
    checks.policy = 'ok';
    if (services.store) {
      const store = await pingStore(services, services.store);
      checks.store = store;
      ok &&= store === 'ok';
    }
    call.send(ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks });
  }

  return { metrics, providers, ready };
}

async function pingStore(services: GatewayServices, store: StateStore): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('unreachable (timeout)'), STORE_PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([store.ping().then(() => 'ok'), timeout]);
  } catch (error) {
    // The error text may name the store's address; it goes to the log, not to the caller.
    services.logger.warn({ err: error }, 'readiness: store ping failed');
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}
