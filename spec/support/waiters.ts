/**
 * Promises that settle on a condition, for test clients that record what arrives: `until(probe)`
 * resolves with the probe's first result that is not undefined — checked at once and again at
 * every `poke()` — or rejects after `timeoutMs` with the text `failure()` gives then.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /** Re-checks every pending probe: call it whenever what they look at has changed. */
  poke(): void {
    for (const check of [...this.pending]) check();
  }

  until<R>(probe: () => R | undefined, timeoutMs: number, failure: () => string): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const check = () => {
        const hit = probe();
        if (hit === undefined) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(failure()));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.pending.delete(listener);
      };
      const listener = () => void check();
      if (!check()) this.pending.add(listener);
    });
  }
}
