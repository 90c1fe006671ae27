/**
 * createGateway: turns a configuration into a running gateway, exposed as Koa middleware, a Node
 * `(req, res)` handler, or a server of its own (`listen`). Everything that can be wrong with the
 * configuration fails here, at boot, never on a request.
 */
import type Koa from 'koa';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCatalog, type Catalog } from './catalog.js';
import { resolveConfig, type ResolvedConfig } from './config/resolve.js';
import type { GatewayConfig } from './config/types.js';
import { validateGatewayConfig } from './config/validate.js';
import { buildGeneration, type Generation, type Lasting } from './generation.js';
import { SwitchyardError } from './errors/switchyard-error.js';
import type { createHandlers } from './http/handlers.js';
import { InflightTracker } from './http/inflight.js';
import { createNodeHandler } from './http/router.js';
import type * as GatewayKoa from './gateway-koa.js';
import { createLogger, type Logger } from './logger.js';
import { GatewayEvents, type GatewayEventSource } from './events.js';
import { createInProcessChat, type InProcessChat } from './in-process.js';
import { createGatewayMetrics } from './metrics/index.js';
import { createProviderHealth } from './health/provider-health.js';
import type { AnyStageFactory } from './pipeline.js';
import type { AnyProviderPlugin } from './plugins.js';
import type { Provider } from './provider.js';
import type { GatewayServices, IdentifyHook } from './services.js';
import { createAccountingServices, type AccountingOptions } from './accounting-services.js';

export interface GatewayOptions extends AccountingOptions {
  /** Supplies the caller instead of API keys (return undefined to fall back to keys). */
  identify?: IdentifyHook;
  /** Provider plugins available by name, besides those installed as npm packages. */
  providerPlugins?: Iterable<AnyProviderPlugin>;
  /** Stage factories available to the pipeline by name. */
  stages?: Iterable<AnyStageFactory>;
  logger?: Logger;
  now?: () => number;
  /** Environment for `${VAR}` expansion and `requiresEnv`; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where npm provider plugins are resolved from; defaults to the working directory. */
  resolveFrom?: string;
}

export interface ListenResult {
  server: Server;
  port: number;
  url: string;
}

/** A running gateway; `on`, `once` and `off` subscribe to its request events (./events.ts). */
export interface Gateway extends GatewayEventSource {
  readonly config: ResolvedConfig;
  readonly catalog: Catalog;
  readonly services: GatewayServices;
  /** Koa middleware serving the gateway's routes, optionally under a prefix (`/llm`). */
  koa(options?: { prefix?: string }): Koa.Middleware;
  /** A Node `(req, res)` handler, for http.createServer or any framework that takes one. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Express (4 or 5) or Connect middleware: `app.use('/llm', gateway.express())`. Paths the
   * gateway does not serve go on to the host's next middleware.
   */
  express(): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  /** Runs a chat request through the chain in-process, without HTTP (./in-process.ts). */
  readonly chat: InProcessChat;
  /** Starts a server on the configured (or given) port and host. */
  listen(port?: number, host?: string): Promise<ListenResult>;
  /**
   * Swaps in a new configuration atomically: providers, models, aliases, failover, pipeline,
   * policies, guardrails, limits and budgets. Requests already running finish on the old one;
   * providers whose plugin and options did not change are kept. An invalid configuration throws
   * and changes nothing. The store, keys, ledger, metrics and circuit breakers carry over
   * (changing `store`, `ledger` or `metrics` needs a restart).
   */
  reload(config: GatewayConfig): Promise<void>;
  /** Stops taking requests, lets in-flight requests and streams finish (up to the grace period), releases providers. */
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  validateGatewayConfig(config);
  const env = options.env ?? process.env;
  // Resolved once here for what lives as long as the gateway (store, ledger, metrics, breakers).
  const first = resolveConfig(config, env);
  const logger = options.logger ?? createLogger(config.logging);
  const now = options.now ?? Date.now;

  const providerPlugins = new Map<string, AnyProviderPlugin>();
  for (const plugin of options.providerPlugins ?? []) providerPlugins.set(plugin.name, plugin);
  const stageFactories = new Map<string, AnyStageFactory>();
  for (const stage of options.stages ?? []) stageFactories.set(stage.name, stage);

  const accounting = createAccountingServices(first, options, logger, now);
  const inflight = new InflightTracker();
  const events = new GatewayEvents((err, event) => logger.error({ err, event }, 'event listener failed'));
  // Metrics bound their model labels to the catalog of the first configuration (a model added
  // by a reload is counted as `other` until a restart); capabilities do not matter to them.
  const metrics = createGatewayMetrics(
    first,
    createCatalog(
      { providers: Object.fromEntries(first.providers), aliases: first.aliases },
      new Set(first.providers.keys()),
      new Map(),
    ),
  );
  const health = createProviderHealth({
    config: config.routing?.circuitBreaker,
    now,
    logger,
    onChange: (ref, to) => metrics.circuitChanged(ref, to),
  });
  metrics.sources.circuits = () => health.states();
  metrics.sources.inflight = () => inflight.size;
  const lasting: Lasting = {
    logger,
    now,
    env,
    resolveFrom: `${options.resolveFrom ?? process.cwd()}/`,
    providerPlugins,
    stageFactories,
    inflight,
    events,
    shared: {
      logger,
      now,
      store: accounting.store,
      keys: accounting.keys,
      ledger: accounting.ledger,
      identify: options.identify,
      metrics,
      health,
    },
  };
  let current: Generation;
  try {
    current = await buildGeneration(config, lasting);
  } catch (error) {
    await accounting.close();
    throw error;
  }

  // Routes, Koa and in-process calls all reach the generation of the moment through this facade.
  const handlers = facade(() => current.handlers);
  // Koa and koa-router load on first use (./gateway-koa.ts): the hot routes never need them.
  let koaModule: Promise<typeof GatewayKoa> | undefined;
  const loadKoa = () => (koaModule ??= import('./gateway-koa.js'));

  function koa(mount: { prefix?: string } = {}): Koa.Middleware {
    let built: Koa.Middleware | undefined;
    return async function switchyard(ctx, next) {
      built ??= (await loadKoa()).koaMiddleware(handlers, logger, accounting.admin, mount.prefix);
      return built(ctx, next);
    };
  }

  // The own server's fallback (admin routes, 404, 405) is a Koa app, built on the first request
  // that is not a hot route. The request waits unread (paused) while the module loads.
  let fallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let fallbackReady: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
  const handler = createNodeHandler(handlers, logger, (req, res) => {
    if (fallback) return fallback(req, res);
    fallbackReady ??= loadKoa().then(
      (lazy) => (fallback = lazy.koaFallback(lazy.koaMiddleware(handlers, logger, accounting.admin))),
    );
    fallbackReady.then(
      (serve) => serve(req, res),
      (error: unknown) => {
        logger.error({ err: error }, 'cannot load the Koa fallback');
        res.statusCode = 500;
        res.end();
      },
    );
  });

  const servers = new Set<Server>();
  const retiring = new Set<Promise<void>>();
  let closed: Promise<void> | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const chat = createInProcessChat(() => ({
    services: current.services,
    chain: current.chain,
    inflight,
    events,
  }));

  /** Retires a replaced generation once its requests had the grace period. */
  function retireLater(old: Generation, keep: ReadonlySet<Provider>): void {
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => void old.retire(keep).finally(resolve), first.server.shutdownGraceMs);
      timer.unref();
      closing.push(() => {
        clearTimeout(timer);
        return old.retire(keep).finally(resolve);
      });
    });
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  }
  const closing: (() => Promise<void>)[] = [];

  const gateway: Gateway = {
    get config() {
      return current.resolved;
    },
    get catalog() {
      return current.services.catalog;
    },
    get services() {
      return current.services;
    },
    koa,
    handler,
    express: () => handler,
    chat,
    on(event, listener) {
      events.on(event, listener);
      return gateway;
    },
    once(event, listener) {
      events.once(event, listener);
      return gateway;
    },
    off(event, listener) {
      events.off(event, listener);
      return gateway;
    },
    async listen(port = current.resolved.server.port, host = current.resolved.server.host) {
      const server = createServer(handler);
      // Idle keep-alive sockets must not hold close() open.
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.add(server);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { server, port: address.port, url: `http://${shownHost}:${address.port}` };
    },
    reload(next) {
      // Reloads run one after another; each builds on the generation before it.
      const run = reloading.then(async () => {
        if (closed) throw new SwitchyardError('SY_ERR_GATEWAY_SHUTTING_DOWN', 'The gateway is closed.');
        const old = current;
        const built = await buildGeneration(next, lasting, {
          resolved: old.resolved,
          providers: old.services.providers,
        });
        current = built;
        retireLater(old, new Set(built.services.providers.values()));
        logger.info({ providers: [...built.services.providers.keys()] }, 'configuration reloaded');
      });
      reloading = run.catch(() => undefined);
      return run;
    },
    close() {
      closed ??= (async () => {
        const stopped = [...servers].map(
          (server) => new Promise<void>((resolve) => server.close(() => resolve())),
        );
        for (const server of servers) server.closeIdleConnections();
        await inflight.drain(current.resolved.server.shutdownGraceMs);
        for (const server of servers) server.closeAllConnections();
        await Promise.all(stopped);
        await Promise.allSettled(closing.splice(0).map((retire) => retire()));
        await current.retire(new Set());
        await accounting.close();
      })();
      return closed;
    },
  };
  return gateway;
}

type Handlers = ReturnType<typeof createHandlers>;

/** An object with the handlers' methods, each calling the current generation's. */
function facade(current: () => Handlers): Handlers {
  const methods = Object.keys(current()) as (keyof Handlers)[];
  const out = {} as Record<keyof Handlers, Handlers[keyof Handlers]>;
  for (const name of methods) {
    out[name] = ((call: Parameters<Handlers[typeof name]>[0]) =>
      current()[name](call)) as Handlers[typeof name];
  }
  return out as Handlers;
}
