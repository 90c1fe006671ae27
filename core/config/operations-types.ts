/** Configuration of the operational features: circuit breakers and metrics (docs/operations.md). */

/** Per provider+model circuit breakers (`routing.circuitBreaker`). */
export interface CircuitBreakerConfig {
  /** Set false to route without breakers (default true). */
  enabled?: boolean;
  /** Open after this many retryable failures in a row (default 5). */
  failureThreshold?: number;
  /** Or open when this share of attempts in the window failed (default 0.5)… */
  errorRateThreshold?: number;
  /** …once the window holds at least this many attempts (default 20). */
  minRequests?: number;
  /** The error-rate window (default 60 s). */
  windowMs?: number;
  /** How long a circuit stays open before one probe may go through (default 30 s). */
  cooldownMs?: number;
}

/** The Prometheus endpoint (`metrics`). */
export interface MetricsConfig {
  /** Serve GET /metrics (default true). */
  enabled?: boolean;
}
