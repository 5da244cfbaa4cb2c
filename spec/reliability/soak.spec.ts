/**
 * Soak: 100,000 turns through a Codex over the InMemoryTransport (the whole client stack:
 * Codex → Thread → turn stream → Connection → demultiplexer → approvals), half of them through
 * run(), every 100th with an approval request. The heap must stay flat (middle window vs end) and
 * every counter of `codex.stats` must be back at zero. The real-binary soak is `npm run soak`.
 */
import { Codex } from '../../lib/node/index.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import type { Thread } from '../../lib/thread.js';
import type { TurnResult } from '../../lib/turn/turn-result.js';
import { ZERO_STATS } from './support.js';
import { turnInfo } from '../../lib/testing/index.js';
import { exposeGc } from '../support/gc.js';

jest.setTimeout(120_000);

const TURNS = 100_000;
const THREAD = 'thr-soak';

describe('reliability: soak', () => {
  it(`${TURNS.toLocaleString('en')} turns over the InMemoryTransport: flat heap, all counters back at zero`, async () => {
    const gc = exposeGc();
    const transport = new InMemoryTransport({ recordSent: false });
    let n = 0;
    transport.onRequest('thread/start', () => ({ thread: { id: THREAD } }));
    transport.onRequest('turn/start', () => ({ turn: turnInfo({ id: `turn-${++n}` }) }));
    const codex = new Codex({ transport, validate: true });
    let thread!: Thread;
    codex.threadStart().subscribe((t) => (thread = t));
    expect(thread).toBeDefined();

    const heap = () => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const samples: Array<{ turn: number; heapUsed: number }> = [];
    const started = Date.now();
    let events = 0;
    let results = 0;
    let answers = 0;
    transport.sent$.subscribe((m) => {
      if (m.method === undefined && m.id !== undefined) answers++;
    });

    for (let i = 1; i <= TURNS; i++) {
      let done = false;
      const sub =
        i % 2 === 0
          ? thread.run(`turn ${i}`).subscribe({
              next: (r: TurnResult) => {
                if (r.finalResponse === `answer ${i}`) results++;
              },
              complete: () => (done = true),
            })
          : thread.turn(`turn ${i}`).subscribe({ next: () => events++, complete: () => (done = true) });
      const turnId = `turn-${n}`;
      transport.notify('turn/started', { threadId: THREAD, turn: turnInfo({ id: turnId }) });
      transport.notify('item/agentMessage/delta', { threadId: THREAD, turnId, itemId: `m${i}`, delta: `answer ${i}` });
      if (i % 100 === 0) {
        // An approval nobody handles: answered with the safe default at once, then resolved.
        transport.emit({
          id: `srv-${i}`,
          method: 'item/commandExecution/requestApproval',
          params: { threadId: THREAD, turnId, itemId: `c${i}`, startedAtMs: 1, environmentId: null, command: 'true', cwd: '/tmp' },
        });
        transport.notify('serverRequest/resolved', { threadId: THREAD, requestId: `srv-${i}` });
      }
      transport.notify('item/completed', {
        threadId: THREAD,
        turnId,
        completedAtMs: 2,
        item: { type: 'agentMessage', id: `m${i}`, text: `answer ${i}`, phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null },
      });
      transport.notify('turn/completed', { threadId: THREAD, turn: turnInfo({ id: turnId, status: 'completed' }) });
      if (!done) throw new Error(`turn ${i} did not complete`);
      sub.unsubscribe();
      if (i === 10_000 || i === TURNS / 2 || i === TURNS) samples.push({ turn: i, heapUsed: heap() });
      if (i % 10_000 === 0) await new Promise((r) => setImmediate(r)); // let timers and GC breathe
    }
    const elapsed = Date.now() - started;

    expect(codex.stats).toEqual(ZERO_STATS);
    expect(results).toBe(TURNS / 2);
    expect(events).toBe((TURNS / 2) * 4); // turn() runs the odd turns; approvals come on even ones
    expect(answers).toBe(TURNS / 100);

    const [warm, middle, end] = samples;
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    // eslint-disable-next-line no-console
    console.log(
      `soak: ${TURNS} turns in ${elapsed} ms (${Math.round((TURNS / elapsed) * 1000)}/s), gc ${gc ? 'exposed' : 'not exposed'}; ` +
        `heapUsed ${mb(warm.heapUsed)} MB @${warm.turn}, ${mb(middle.heapUsed)} MB @${middle.turn}, ${mb(end.heapUsed)} MB @${end.turn}`,
    );
    // Flat: what the second half added is noise, not bytes per turn. With gc() the noise is
    // ~0 and a leak of one small object per turn (~70 B × 50,000 ≈ 3.5 MB) fails the bound;
    // without it only big leaks (≥ ~650 B per turn) are caught.
    const bound = gc ? 2 * 1024 * 1024 : 32 * 1024 * 1024;
    expect(end.heapUsed - middle.heapUsed).toBeLessThan(bound);
    await codex.close();
    expect(codex.stats).toEqual(ZERO_STATS);
  });
});
