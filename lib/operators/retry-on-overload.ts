import { retry, throwError, timer, type MonoTypeOperatorFunction } from 'rxjs';
import { isRetryableError } from '../errors.js';
import { backoffDelay } from '../rpc/backoff.js';

/** Backoff settings of retryOnOverload. */
export interface RetryOnOverloadOptions {
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** Delay before the first retry (default 250 ms); doubles each time. */
  initialDelayMs?: number;
  /** Ceiling of the delay (default 2000 ms). */
  maxDelayMs?: number;
  /** Random spread of each delay, ± this fraction (default 0.2). */
  jitterRatio?: number;
  /** Source of randomness in [0, 1) (default Math.random). */
  random?: () => number;
}

export { backoffDelay };

/**
 * Resubscribes to the source when it fails with ServerBusyError (-32001: nothing ran), with
 * exponential backoff and jitter; every other error passes through at once.
 *
 * @example codex.models().pipe(retryOnOverload({ maxAttempts: 5 }))
 */
export function retryOnOverload<T>(options: RetryOnOverloadOptions = {}): MonoTypeOperatorFunction<T> {
  const o = {
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 2000,
    jitterRatio: options.jitterRatio ?? 0.2,
    random: options.random ?? Math.random,
  };
  const maxAttempts = options.maxAttempts ?? 3;
  return retry({
    count: Math.max(0, maxAttempts - 1),
    delay: (error, attempt) => (isRetryableError(error) ? timer(backoffDelay(attempt, o)) : throwError(() => error)),
  });
}
