import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';

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
];

export interface LoggerConfig {
  level?: string;
  pretty?: boolean;
}

export function createLogger(config: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: config.level ?? process.env.SWITCHYARD_LOG_LEVEL ?? 'info',
    base: { service: 'switchyard' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (config.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

/** A logger that writes nothing, for tests and embedded use without logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
