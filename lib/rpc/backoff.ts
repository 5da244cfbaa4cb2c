/** Exponential backoff with jitter: the shared policy of reconnects and of `retryOnOverload`. */
export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  readonly initialDelayMs: number;
  /** Upper bound of the delay before jitter (ms). */
  readonly maxDelayMs: number;
  /** ± this fraction of the delay, at random (0.5 = between 50 % and 150 %). */
  readonly jitterRatio: number;
  /** Source of randomness in [0, 1). */
  readonly random: () => number;
}

/** The delay before retry number `attempt` (1-based), with jitter. */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const base = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** (attempt - 1));
  const jitter = base * o.jitterRatio * (o.random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}
