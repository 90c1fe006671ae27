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
