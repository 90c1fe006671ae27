import type { Catalog } from './catalog.js';
import type { ResolvedConfig } from './config/resolve.js';
import type { Logger } from './logger.js';
import type { Provider } from './provider.js';

/** What the gateway hands every stage at boot: shared, read-only services. */
export interface GatewayServices {
  readonly config: ResolvedConfig;
  readonly catalog: Catalog;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can control time. */
  readonly now: () => number;
}
