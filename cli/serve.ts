import { createGateway, createLogger, loadConfigFile, SwitchyardError } from '../index.js';
import { tuneHeap } from './heap.js';
import { reloadOnSignal } from './reload.js';
import { watchConfigFile } from './watch-config.js';

export interface ServeOptions {
  config: string;
  port?: number;
  host?: string;
  logLevel?: string;
  pretty?: boolean;
}

/** Starts the gateway and keeps it up until SIGTERM/SIGINT, then drains. Returns the exit code. */
export async function serve(options: ServeOptions): Promise<number> {
  let gateway;
  try {
    // Before the load starts: V8 applies these as it collects (./heap.ts).
    const v8Flags = tuneHeap();
    const config = await loadConfigFile(options.config);
    const logger = createLogger({
      level: options.logLevel ?? config.logging?.level,
      pretty: options.pretty ?? config.logging?.pretty,
    });
    gateway = await createGateway(config, { logger });
    const { url } = await gateway.listen(options.port, options.host);
    logger.info(
      {
        url,
        providers: [...gateway.services.providers.keys()],
        models: gateway.catalog.entries.length,
        ...(v8Flags.length > 0 ? { v8: v8Flags.join(' ') } : {}),
      },
      `Switchyard listening on ${url}`,
    );
    const running = gateway;
    const reload = () => {
      logger.info({ signal: 'SIGHUP' }, 'reloading');
      void reloadOnSignal(running, options.config, logger);
    };
    process.on('SIGHUP', reload);
    // An edit of the configuration file reloads it too (policy files are watched by the policy stage).
    const watcher = watchConfigFile(options.config, () => {
      logger.info({ config: options.config }, 'configuration file changed: reloading');
      void reloadOnSignal(running, options.config, logger);
    });
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down: draining in-flight requests');
        resolve();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    process.off('SIGHUP', reload);
    watcher.close();
    await gateway.close();
    logger.info('stopped');
    logger.flush();
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`switchyard: ${message}`);
    await gateway?.close();
    return SwitchyardError.isInstance(error) &&
      ['SY_ERR_CONFIG_INVALID', 'SY_ERR_PLUGIN_INVALID'].includes(error.code)
      ? 2
      : 1;
  }
}
