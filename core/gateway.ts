/**
 * createGateway: turns a configuration into a running gateway, exposed as Koa middleware, a Node
 * `(req, res)` handler, or a server of its own (`listen`). Everything that can be wrong with the
 * configuration fails here, at boot, never on a request.
 */
import Koa from 'koa';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compose } from './compose.js';
import { createCatalog, type Catalog } from './catalog.js';
import { resolveConfig, type ResolvedConfig } from './config/resolve.js';
import type { GatewayConfig } from './config/types.js';
import { validateGatewayConfig } from './config/validate.js';
import { SwitchyardError } from './errors/switchyard-error.js';
import { errorResponder, sendError } from './http/error-response.js';
import { createHandlers } from './http/handlers.js';
import { InflightTracker } from './http/inflight.js';
import { koaCall } from './http/http-call.js';
import { passHostErrors } from './http/koa-mount.js';
import { createNodeHandler, createRouter } from './http/router.js';
import { createLogger, type Logger } from './logger.js';
import { GatewayEvents, observeRouting, type GatewayEventSource } from './events.js';
import { createInProcessChat, type InProcessChat } from './in-process.js';
import { createGatewayMetrics } from './metrics/index.js';
import { createProviderHealth } from './health/provider-health.js';
import { buildPipeline, type AnyStageFactory } from './pipeline.js';
import { createProvider, loadProviderPlugin, type AnyProviderPlugin } from './plugins.js';
import type { Capability, Provider } from './provider.js';
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
  /** Stops taking requests, lets in-flight requests and streams finish (up to the grace period), releases providers. */
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  validateGatewayConfig(config);
  const resolved = resolveConfig(config, options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.logging);
  const now = options.now ?? Date.now;

  const registered = new Map<string, AnyProviderPlugin>();
  for (const plugin of options.providerPlugins ?? []) registered.set(plugin.name, plugin);
  const providers = new Map<string, Provider>();
  const capabilities = new Map<string, readonly Capability[]>();
  const resolveFrom = `${options.resolveFrom ?? process.cwd()}/`;
  for (const [id, providerConfig] of resolved.providers) {
    const plugin = await loadProviderPlugin(providerConfig.plugin, registered, resolveFrom);
    const provider = createProvider(id, providerConfig, plugin, {
      logger: logger.child({ provider: id }),
      now,
    });
    providers.set(id, provider);
    capabilities.set(id, provider.capabilities);
  }
  for (const [id, reason] of resolved.disabledProviders)
    logger.info({ provider: id, reason }, 'provider disabled');

  const catalog = createCatalog(
    { providers: Object.fromEntries(resolved.providers), aliases: resolved.aliases },
    new Set(providers.keys()),
    capabilities,
  );
  const accounting = createAccountingServices(resolved, options, logger, now);
  const metrics = createGatewayMetrics(resolved, catalog);
  const health = createProviderHealth({
    config: config.routing?.circuitBreaker,
    now,
    logger,
    onChange: (ref, to) => metrics.circuitChanged(ref, to),
  });
  metrics.sources.circuits = () => health.states();
  const services: GatewayServices = {
    config: resolved,
    catalog,
    providers,
    logger,
    now,
    store: accounting.store,
    keys: accounting.keys,
    ledger: accounting.ledger,
    identify: options.identify,
    metrics,
    health,
  };

  const stageFactories = new Map<string, AnyStageFactory>();
  for (const stage of options.stages ?? []) stageFactories.set(stage.name, stage);
  const events = new GatewayEvents((err, event) => logger.error({ err, event }, 'event listener failed'));
  observeRouting(stageFactories, events);
  const chain = buildPipeline(resolved.pipeline, stageFactories, services);

  const inflight = new InflightTracker();
  metrics.sources.inflight = () => inflight.size;
  const handlers = createHandlers({ services, chain, inflight, events });
  const errors = errorResponder(logger);

  function koa(mount: { prefix?: string } = {}): Koa.Middleware {
    const router = createRouter(handlers, mount.prefix);
    const admin = accounting.admin(mount.prefix);
    // Errors of the host's own downstream middleware pass through to the host's handler.
    return passHostErrors(
      compose<Koa.Context>([
        errors,
        ...(admin ? [admin] : []),
        router.routes() as unknown as Koa.Middleware,
        router.allowedMethods({ throw: true }) as unknown as Koa.Middleware,
      ]) as Koa.Middleware,
    );
  }

  const app = new Koa();
  app.silent = true;
  app.use(koa());
  app.use(async function notFound(ctx) {
    sendError(
      koaCall(ctx),
      new SwitchyardError('SY_ERR_ROUTE_NOT_FOUND', `No endpoint at ${ctx.method} ${ctx.path}.`),
    );
  });
  const handler = createNodeHandler(handlers, logger, app.callback());

  const servers = new Set<Server>();
  let closed: Promise<void> | undefined;

  const chat = createInProcessChat(() => ({ services, chain, inflight, events }));

  const gateway: Gateway = {
    config: resolved,
    catalog,
    services,
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
    async listen(port = resolved.server.port, host = resolved.server.host) {
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
    close() {
      closed ??= (async () => {
        const stopped = [...servers].map(
          (server) => new Promise<void>((resolve) => server.close(() => resolve())),
        );
        for (const server of servers) server.closeIdleConnections();
        await inflight.drain(resolved.server.shutdownGraceMs);
        for (const server of servers) server.closeAllConnections();
        await Promise.all(stopped);
        await Promise.all([...providers.values()].map((provider) => provider.close?.()));
        await accounting.close();
      })();
      return closed;
    },
  };
  return gateway;
}
