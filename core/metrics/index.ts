/** The gateway's metrics service (`services.metrics`): a registry of its own, fed by the stages. */
import { Registry } from 'prom-client';
import type { Catalog } from '../catalog.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { GatewayContext } from '../context.js';
import type { CircuitState } from '../health/circuit-breaker.js';
import { defineMetrics, type GatewayMetrics, type MetricSources } from './gateway-metrics.js';
import { registerRequestSeries, RequestSeriesTable } from './request-series.js';
import {
  configuredTeams,
  createRequestObserver,
  knownModels,
  type RequestOutcome,
} from './observe-request.js';

export type { GatewayMetrics, ReloadKind, ReloadResult } from './gateway-metrics.js';
export type { RequestOutcome } from './observe-request.js';

/** The service as the core holds it: what stages call, plus the hooks the core feeds. */
export interface GatewayMetricsService extends GatewayMetrics {
  /** One finished request (the accounting stage calls it once per request). */
  request(ctx: GatewayContext, outcome: RequestOutcome, now: number): void;
  /** A circuit breaker changed state. */
  circuitChanged(ref: string, to: CircuitState): void;
  /** Sources read at scrape time; set once the gateway has built them. */
  readonly sources: MetricSources;
}

export function createGatewayMetrics(config: ResolvedConfig, catalog: Catalog): GatewayMetricsService {
  const registry = new Registry();
  const sources: MetricSources = {};
  const metrics = defineMetrics(registry, sources);
  const table = new RequestSeriesTable();
  registerRequestSeries(registry, table);
  const observe = createRequestObserver(
    metrics,
    table,
    configuredTeams(config),
    knownModels(catalog, config),
  );
  return {
    registry,
    sources,
    request: observe,
    cacheLookup: (result) => metrics.cacheLookups.inc({ result }),
    reload: (kind, result) => metrics.reloads.inc({ kind, result }),
    circuitChanged(ref, to) {
      const slash = ref.indexOf('/');
      metrics.circuitTransitions.inc({
        provider: ref.slice(0, slash),
        model: ref.slice(slash + 1),
        state: to,
      });
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
