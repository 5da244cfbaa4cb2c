/**
 * Row 4: routing scale. N threads each with one live turn (N = 1 … 10,000) on one client over
 * the fake transport; the same number of `item/agentMessage/delta` notifications is delivered
 * with InMemoryTransport.emit() (parsed messages: no framing, so what varies is routing),
 * each to a turn picked at random (seeded), and the per-message cost is compared with N = 1.
 * Every N keeps its client and turns alive for the whole row; rounds alternate the order of N.
 * Targets (issue 17), each paired within a round: at 1 turn ≤ 2× the Map + Subscriber floor, and
 * the growth from 1 to 10,000 turns ≤ 1.2× the floor's own growth.
 */
import { Observable, type Subscriber } from 'rxjs';
import { Codex, InMemoryTransport, type Thread } from '../lib/index.js';
import { Demultiplexer } from '../lib/rpc/demultiplexer.js';
import { fmtRatio, spread, startClock, type Elapsed, type Row } from './stats.js';

export const ROUTING_SIZES = [1, 10, 100, 1_000, 10_000];
const MESSAGES = 200_000;

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

type Sample = { rx: Elapsed; mapSubscriber: number; demux: number; bareMap: number };

export async function benchRouting(rounds: number, log: (l: string) => void): Promise<Row> {
  const setups = ROUTING_SIZES.map(setup);
  const floorsOf = new Map(setups.map((s) => [s.n, floors(s)]));
  for (const s of setups) deliver(s); // warm-up
  const samples: Record<number, Sample[]> = Object.fromEntries(ROUTING_SIZES.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? setups : [...setups].reverse();
    for (const s of order) {
      const e = deliver(s);
      const f = floorsOf.get(s.n)!;
      samples[s.n].push({ rx: { wall: (e.wall * 1e6) / MESSAGES, cpu: (e.cpu * 1e6) / MESSAGES }, mapSubscriber: f.mapSubscriber(), demux: f.demux(), bareMap: f.bareMap() });
    }
    log(`  routing round ${r + 1}/${rounds} (ns/message, CPU): ${ROUTING_SIZES.map((n) => `N=${n} rx ${samples[n][r].rx.cpu.toFixed(0)} demux ${samples[n][r].demux.toFixed(0)} map ${samples[n][r].bareMap.toFixed(0)} map+Subscriber ${samples[n][r].mapSubscriber.toFixed(0)}`).join(' | ')}`);
  }
  for (const s of setups) await s.codex.close();
  const ratio = (n: number, pick: (x: Sample) => number) => spread(samples[n].map((v, i) => pick(v) / pick(samples[1][i])));
  const rx = (x: Sample) => x.rx.cpu;
  const floor = (x: Sample) => x.mapSubscriber;
  const ratios = Object.fromEntries(ROUTING_SIZES.map((n) => [n, ratio(n, rx)]));
  const floorRatio = ratio(10_000, floor);
  const demuxRatio = ratio(10_000, (x) => x.demux);
  const mapRatio = ratio(10_000, (x) => x.bareMap);
  const wallRatio = ratio(10_000, (x) => x.rx.wall);
  // The two targets, each paired within a round (both sides measured back to back, so a noisy
  // round moves both): rx/floor at 1 turn, and rx's growth 1 → 10,000 over the floor's growth.
  const atOne = spread(samples[1].map((v) => rx(v) / floor(v)));
  const growth = spread(samples[10_000].map((v, i) => rx(v) / rx(samples[1][i]) / (floor(v) / floor(samples[1][i]))));
  const med = (n: number, pick: (x: Sample) => number) => spread(samples[n].map(pick)).median;
  return {
    id: 4,
    name: 'Routing scale (ns/message, 1 → 10,000 live turns, emit() path)',
    codexRx: ROUTING_SIZES.map((n) => `${n.toLocaleString('en-US')}: ${med(n, rx).toFixed(0)}`).join(', '),
    reference:
      `Map+Subscriber floor 1: ${med(1, floor).toFixed(0)}, 10k: ${med(10_000, floor).toFixed(0)}; ` +
      `demux alone 1: ${med(1, (x) => x.demux).toFixed(0)}, 10k: ${med(10_000, (x) => x.demux).toFixed(0)} (bare Map 1: ${med(1, (x) => x.bareMap).toFixed(0)}, 10k: ${med(10_000, (x) => x.bareMap).toFixed(0)})`,
    ratio:
      `1 turn rx/floor ${fmtRatio(atOne, 2)}; growth 10k/1 rx ${fmtRatio(ratios[10_000], 2)} vs floor ${fmtRatio(floorRatio, 2)} → rx/floor growth ${fmtRatio(growth, 2)}; ` +
      `demux 10k/1 ${fmtRatio(demuxRatio, 2)} vs bare Map ${fmtRatio(mapRatio, 2)}`,
    target: '1 turn rx/floor ≤ 2; rx/floor growth ≤ 1.2',
    met: atOne.median <= 2 && growth.median <= 1.2,
    data: { rounds, messagesPerRound: MESSAGES, nsPerMessage: samples, ratiosCpu: ratios, rxOverFloorAt1: atOne, growthOverFloorGrowth: growth, floorRatio10k: floorRatio, demuxRatio10k: demuxRatio, bareMapRatio10k: mapRatio, rxWallRatio10k: wallRatio },
  };
}
