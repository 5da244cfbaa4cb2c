/**
 * Row 4, one N in a process of its own (run by bench/routing.ts): N threads each with one live
 * turn on one client over the fake transport, and the same number of messages delivered with
 * InMemoryTransport.emit(); beside it, floors with the same messages. Prints one JSON line: the
 * per-round samples. A process per N keeps one N's JIT feedback and heap from shaping another's.
 *
 *   node --expose-gc bench/.build/bench/routing-child.js <N> <rounds>
 */
import { Observable, type Subscriber } from 'rxjs';
import { Codex, type Thread } from '../lib/node/index.js';
import { InMemoryTransport } from '../lib/testing/index.js';
import { Demultiplexer } from '../lib/rpc/demultiplexer.js';
import { startClock, type Elapsed } from './stats.js';

const MESSAGES = 200_000;

/** One round at one N, CPU ns per message: codex-rx and the floors. */
export type RoutingSample = { rx: Elapsed; mapSubscriber: number; demux: number; bareMap: number };

interface Setup {
  n: number;
  transport: InMemoryTransport;
  codex: Codex;
  received: () => number;
  messages: object[];
}

function setup(n: number): Setup {
  const transport = new InMemoryTransport({ recordSent: false });
  let nextThread = 0;
  // Answers go through JSON as on a real transport: ids are flat strings, as JSON.parse gives them.
  const wire = <T>(answer: T): T => JSON.parse(JSON.stringify(answer));
  transport.onRequest('thread/start', () => wire({ thread: { id: `thread-${String(nextThread++).padStart(6, '0')}` } }));
  transport.onRequest('turn/start', (params: { threadId: string }) => wire({ turn: { id: `turn-of-${params.threadId}`, status: 'inProgress', items: [], error: null } }));
  const codex = new Codex({ transport });
  const threads: Thread[] = [];
  for (let i = 0; i < n; i++) codex.threadStart().subscribe((t) => threads.push(t)); // answered synchronously
  let received = 0;
  for (const thread of threads) thread.turn('go').subscribe({ next: () => received++, error: () => undefined }); // errors only at close()
  const stats = codex.stats;
  if (threads.length !== n || stats.routes !== n) throw new Error(`routing setup: ${threads.length} threads, ${stats.routes} routes for N=${n}`);
  // Fresh objects and strings per message, as JSON.parse would give them.
  let seed = 42;
  const messages: object[] = new Array(MESSAGES);
  for (let i = 0; i < MESSAGES; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const threadId = threads[seed % n].id;
    messages[i] = JSON.parse(
      JSON.stringify({ method: 'item/agentMessage/delta', params: { threadId, turnId: `turn-of-${threadId}`, itemId: 'msg_1', delta: `w${i % 997} ` } }),
    );
  }
  return { n, transport, codex, received: () => received, messages };
}

function deliver(s: Setup): Elapsed {
  const before = s.received();
  const stop = startClock();
  for (const m of s.messages) s.transport.emit(m);
  const elapsed = stop();
  if (s.received() - before !== s.messages.length) throw new Error(`N=${s.n}: ${s.received() - before} of ${s.messages.length} messages reached their turn`);
  return elapsed;
}

/**
 * Floors at the same N with the same messages: a bare Map<turnId, rxjs Subscriber> (the least an
 * Observable-per-turn router can do), and the Demultiplexer alone vs a bare Map<turnId, sink>
 * (both with dense, trivial sinks) — to tell the demultiplexer's share from the rest.
 */
interface Floors {
  mapSubscriber(): number;
  demux(): number;
  bareMap(): number;
}

function floors(s: Setup): Floors {
  const subscribers = new Map<string, Subscriber<unknown>>();
  const demux = new Demultiplexer<{ params: { threadId: string; turnId: string } }>();
  const sinks = new Map<string, { next(m: unknown): void; error(e: unknown): void }>();
  let received = 0;
  const fresh = (text: string): string => JSON.parse(JSON.stringify(text));
  for (let i = 0; i < s.n; i++) {
    const threadId = fresh(`thread-${String(i).padStart(6, '0')}`);
    const turnId = `turn-of-${threadId}`;
    new Observable((subscriber) => void subscribers.set(fresh(turnId), subscriber)).subscribe({ next: () => received++ });
    const sink = { next: () => void received++, error: () => undefined };
    demux.claim(threadId, sink).bind(fresh(turnId));
    sinks.set(fresh(turnId), sink);
  }
  const messages = s.messages as Array<{ params: { threadId: string; turnId: string } }>;
  const timed = (loop: () => void): number => {
    const before = received;
    const stop = startClock();
    loop();
    const e = stop();
    if (received - before !== messages.length) throw new Error(`floor N=${s.n}: ${received - before} of ${messages.length} delivered`);
    return (e.cpu * 1e6) / messages.length;
  };
  return {
    mapSubscriber: () => timed(() => { for (const m of messages) subscribers.get(m.params.turnId)?.next(m); }),
    demux: () => timed(() => { for (const m of messages) demux.dispatch(m, m.params.threadId, m.params.turnId); }),
    bareMap: () => timed(() => { for (const m of messages) sinks.get(m.params.turnId)?.next(m); }),
  };
}

function measure(n: number, rounds: number): RoutingSample[] {
  const s = setup(n);
  const f = floors(s);
  deliver(s); // warm-up
  f.mapSubscriber();
  f.demux();
  f.bareMap();
  (globalThis as { gc?: () => void }).gc?.();
  const samples: RoutingSample[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first, so neither always runs on the other's warm cache.
    const floorsFirst = r % 2 === 1;
    const floorSide = () => ({ mapSubscriber: f.mapSubscriber(), demux: f.demux(), bareMap: f.bareMap() });
    const before = floorsFirst ? floorSide() : undefined;
    const e = deliver(s);
    const after = before ?? floorSide();
    samples.push({ rx: { wall: (e.wall * 1e6) / MESSAGES, cpu: (e.cpu * 1e6) / MESSAGES }, ...after });
  }
  return samples;
}

const [n, rounds] = process.argv.slice(2).map(Number);
if (!Number.isInteger(n) || !Number.isInteger(rounds)) throw new Error('usage: routing-child.js <N> <rounds>');
process.stdout.write(JSON.stringify({ messages: MESSAGES, samples: measure(n, rounds) }) + '\n');
process.exit(0); // the client's turns stay live to the end: nothing to wait for
