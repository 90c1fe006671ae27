import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export type Logger = PinoLogger;

/**
 * Paths pino blanks in every line, whatever a stage logs: credentials must never reach logs.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'apiKey',
  '*.apiKey',
  'options.apiKey',
  'req.headers.cookie',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'req.headers["x-switchyard-provider-key"]',
  'headers["x-switchyard-provider-key"]',
  'credentials',
  '*.credentials',
  'req.headers["proxy-authorization"]',
  'headers["proxy-authorization"]',
  '*.headers["api-key"]',
  '*.headers.cookie',
  '*.headers["x-switchyard-provider-key"]',
  '*.options.apiKey',
  'providers.*.options.apiKey',
];

const requestLineLoggers = new WeakMap<Logger, Logger>();

/**
 * The logger for the one line per request (accounting). That line's fields are the gateway's
 * own, listed in one place, none of them a secret, so it keeps only the exact redaction paths:
 * the wildcard ones (`*.apiKey`, …) make pino look into every field of every line and cost about
 * 40 µs a line on Node 20, several times the rest of the line. Every other line keeps them all.
 */
export function requestLineLogger(logger: Logger): Logger {
  let child = requestLineLoggers.get(logger);
  if (child === undefined) {
    child = logger.child(
      {},
      { redact: { paths: REDACTED_PATHS.filter((path) => !path.includes('*')), censor: '[redacted]' } },
    );
    requestLineLoggers.set(logger, child);
  }
  return child;
}

export interface LoggerConfig {
  level?: string;
  pretty?: boolean;
}

/** `destination` (a stream) replaces stdout, e.g. to capture lines in tests. */
export function createLogger(config: LoggerConfig = {}, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level ?? process.env.SWITCHYARD_LOG_LEVEL ?? 'info',
    base: { service: 'switchyard' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (config.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests and embedded use without logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
