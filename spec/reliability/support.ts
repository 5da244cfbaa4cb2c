/** Shared checks of the reliability suites: nothing leaks, nothing is unhandled, processes go. */
import { config as rxConfig } from 'rxjs';
import type { Codex } from '../../lib/codex.js';
import type { CodexSpawnConfig } from '../../lib/codex-config.js';
import type { ProtocolWarning } from '../../lib/rpc/connection.js';
import { fakeCodex, fakeCodexBin, type FakeScenario } from '../support/fake-app-server-harness.js';
import { IDLE_STATS, processGone } from '../support/e2e.js';

export { eventually, IDLE_STATS as ZERO_STATS, processGone, waitGone } from '../support/e2e.js';

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

/**
 * Registers the hooks of a suite that talks to fake app-server processes: every client it opens
 * is closed after each test, with its counters back at zero and no unhandled error. Returns `open` and the binary.
 */
export function useFakeAppServer(): {
  open(scenario: FakeScenario, config?: CodexSpawnConfig): { codex: Codex; warnings: ProtocolWarning[] };
  /** The fake binary's path (valid inside tests). */
  bin(): string;
} {
  let fake: { bin: string; dispose(): void };
  const unhandled = trackUnhandled();
  let live: Codex[] = [];
  beforeAll(() => {
    fake = fakeCodexBin();
  });
  afterAll(() => fake.dispose());
  beforeEach(() => unhandled.start());
  afterEach(async () => {
    await Promise.all(live.map((c) => c.close()));
    for (const c of live) expect(c.stats).toEqual(IDLE_STATS);
    live = [];
    await unhandled.stop();
    expect(unhandled.errors).toEqual([]);
  });
  return {
    open(scenario, config = {}) {
      const codex = fakeCodex(fake.bin, scenario, config);
      live.push(codex);
      const warnings: ProtocolWarning[] = [];
      codex.warnings$.subscribe((w) => warnings.push(w));
      return { codex, warnings };
    },
    bin: () => fake.bin,
  };
}
