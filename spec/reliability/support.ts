/** Shared checks of the reliability suites: nothing leaks, nothing is unhandled, processes go. */
import { config as rxConfig } from 'rxjs';

/** Every counter of `codex.stats` / `connection.stats` at zero. */
export const ZERO_STATS = Object.freeze({
  pendingRequests: 0,
  pendingServerRequests: 0,
  routes: 0,
  claimedThreads: 0,
  bufferedMessages: 0,
  trackedRequests: 0,
});

/** True once no process with this id exists (`kill(pid, 0)` fails with ESRCH). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw e;
  }
}

/** Resolves once `pid` is gone; rejects after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!processGone(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Retries an assertion until it passes or `timeoutMs` runs out. */
export async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/**
 * Collects errors nobody handled: RxJS's unhandled errors (a throwing subscriber, an error with
 * no error callback) and unhandled Promise rejections. `start()` in beforeEach; in afterEach
 * `await stop()`, then expect `errors` to be empty.
 */
export function trackUnhandled(): { errors: unknown[]; start(): void; stop(): Promise<void> } {
  const errors: unknown[] = [];
  const previous = rxConfig.onUnhandledError;
  const onRejection = (e: unknown) => errors.push(e);
  return {
    errors,
    start() {
      errors.length = 0;
      rxConfig.onUnhandledError = (e) => errors.push(e);
      process.on('unhandledRejection', onRejection);
    },
    /** Waits a tick (RxJS reports unhandled errors from a timer), then stops collecting. */
    async stop() {
      await new Promise((r) => setTimeout(r, 10));
      rxConfig.onUnhandledError = previous;
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** The message of an error, for assertions that must not see a secret. */
export function allText(e: unknown): string {
  if (e instanceof Error) {
    const extra = e as Error & { stderrTail?: string; data?: unknown };
    return [e.message, extra.stderrTail ?? '', JSON.stringify(extra.data ?? null), String(e.stack ?? '')].join('\n');
  }
  return JSON.stringify(e) ?? String(e);
}
