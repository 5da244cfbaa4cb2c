/**
 * The client-and-thread setup of the thread and turn specs, in one place: each test gets a fresh
 * Codex over the in-memory app-server (and, from `threadBench`, a thread already open), closed
 * after it. Call at the top of a `describe`: it registers that block's beforeEach/afterEach and
 * returns one object whose fields are the current test's.
 */
import { map, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { Codex } from '../../lib/codex.js';
import type { Thread } from '../../lib/thread.js';
import type { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { DEFAULT_TURN_REF, agentMessageDelta, agentMessageItem, itemCompleted, itemStarted, tokenUsage, tokenUsageUpdated, turnCompleted, turnStarted } from '../../lib/testing/index.js';
import { createClient, HandServer, openThread } from '../support/hand-server.js';
import { testScheduler } from '../support/expectations.js';

/** Token usage of `total` tokens, 10 of them output. */
export const usage = (total: number) => tokenUsage({ inputTokens: total - 10, outputTokens: 10 });

/** The `hot` helper of `TestScheduler.run()`. */
export type HotFn = Parameters<Parameters<TestScheduler['run']>[0]>[0]['hot'];
/** One step of a script marble: a message the server delivers, or something it does. */
export type Step = object | (() => void);

/** The notifications of one plain turn (turn-1 of THREAD_ID) by marble letter: started, a streamed answer, usage, completed. */
export const TURN_NOTIFICATIONS = {
  s: turnStarted(),
  t: itemStarted(agentMessageItem('msg-1', '')),
  d: agentMessageDelta('msg-1', 'Hel'),
  e: agentMessageDelta('msg-1', 'lo'),
  i: itemCompleted(agentMessageItem('msg-1', 'Hello', 'final_answer')),
  u: tokenUsageUpdated(usage(120)),
  c: turnCompleted(DEFAULT_TURN_REF, 'completed'),
};

/** The current test's client. */
export interface ClientBench {
  scheduler: TestScheduler;
  codex: Codex;
  transport: InMemoryTransport;
  server: HandServer;
  /** Plays a script marble: each letter's step is delivered (a message) or run (a function). */
  serve(hot: HotFn, marble: string, steps: Record<string, Step>): void;
  /** Every message the client writes from now on: its method, or `answer` for an answer. */
  sent$(): Observable<string>;
}

/** The current test's client and its open thread (`THREAD_ID`, nothing sent yet). */
export interface ThreadBench extends ClientBench {
  thread: Thread;
}

/** A fresh client for each test, closed after it. */
export function clientBench(): ClientBench {
  return bench(false, false);
}

/**
 * A fresh client with an open thread for each test, closed after it. `expectNoActiveTurn`: every
 * test must leave the thread without an active turn (checked before closing).
 */
export function threadBench(options: { expectNoActiveTurn?: boolean } = {}): ThreadBench {
  return bench(true, options.expectNoActiveTurn ?? false) as ThreadBench;
}

function bench(open: boolean, expectNoActiveTurn: boolean): ClientBench | ThreadBench {
  const b = {
    serve(hot: HotFn, marble: string, steps: Record<string, Step>) {
      hot(marble, steps).subscribe((step) => (typeof step === 'function' ? step() : b.server.emit(step)));
    },
    sent$: () => b.transport.sent$.pipe(map((m) => m.method ?? 'answer')),
  } as ThreadBench;
  beforeEach(() => {
    const { codex, transport, server } = createClient();
    Object.assign(b, { scheduler: testScheduler(), codex, transport, server });
    if (open) b.thread = openThread(codex, transport);
  });
  afterEach(async () => {
    if (expectNoActiveTurn) expect(b.thread.activeTurn).toBeUndefined();
    await b.codex.close();
  });
  return b;
}
