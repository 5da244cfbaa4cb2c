/**
 * Fuzzing with a fixed seed: the LineDecoder and the Connection's dispatch (and, smaller, the
 * whole Codex client) take random and mutated inputs — mutations of the real transcripts in
 * spec/support/transcripts: byte flips, truncation, splicing, random chunk boundaries, deep
 * nesting, huge numbers, wrong types for id/method/params/error, prototype keys, junk bytes.
 *
 * Asserted: no exception escapes to the caller (write/emit never throw, nothing reaches RxJS's
 * unhandled-error hook, no unhandled rejection), nothing hangs, and afterwards the connection
 * either still works (a request gets its answer) or failed with a typed CodexError; every
 * counter returns to zero after close().
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { firstValueFrom, Observable, of } from 'rxjs';
import { Codex } from '../../lib/node/index.js';
import { CodexError, ProtocolError } from '../../lib/errors.js';
import { Connection, type RoutedMessage } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { LineDecoder } from '../../lib/transport/line-decoder.js';
import { ObservableStream } from '../support/observable-stream.js';
import { prng as mulberry32 } from '../support/prng.js';
import { trackUnhandled, ZERO_STATS } from './support.js';
import { clientInfo } from '../rpc/support.js';

jest.setTimeout(60_000);

const SEED = 0xc0de5eed;
const DECODER_INPUTS = 100_000;
const CONNECTION_INPUTS = 100_000;
const CODEX_INPUTS = 20_000;
const DUPLICATE_ROUNDS = 3_000;

/** The seeded PRNG of spec/support/prng.ts, with the draws these fuzzers make. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)], chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const TRANSCRIPTS = path.join(__dirname, '..', 'support', 'transcripts');
const CORPUS: string[] = readdirSync(TRANSCRIPTS)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(path.join(TRANSCRIPTS, f), 'utf8').split('\n'))
  .filter((l) => l.trim() !== '');

/** The (thread, turn) pairs of the transcripts: turns claimed during the fuzz use them, so mutated messages reach routes. */
const TURNS: Array<[string, string]> = [];
for (const line of CORPUS) {
  const p = (JSON.parse(line) as { params?: { threadId?: unknown; turnId?: unknown } }).params;
  if (typeof p?.threadId === 'string' && typeof p.turnId === 'string' && !TURNS.some(([a, b]) => a === p.threadId && b === p.turnId)) {
    TURNS.push([p.threadId, p.turnId as string]);
  }
}

const enc = new TextEncoder();

/** Values of the wrong type and hostile shapes, as JSON text (parsed fresh each time: never shared). */
const WEIRD_JSON: readonly string[] = [
  'null', 'true', 'false', '0', '-0', '-1', '1.5', '1e308', '-1e308', '9007199254740993', '""', '"x"', '"turn-1"', '"thr-1"',
  '"__proto__"', '"constructor"', '"toString"', '[]', '{}', '[1,[2,[3]]]', '{"a":{}}', '{"toString":1}', '{"valueOf":{}}',
  '{"__proto__":{"threadId":"thr-1","turnId":"turn-1"}}', JSON.stringify('y'.repeat(10_000)), '{"code":"x","message":1}',
  '{"code":-32001,"message":{"toString":1}}', '{"code":-32600,"message":"m","data":{"toJSON":1}}', '{"code":-32000,"message":null}',
];
const weird = (rng: Rng): unknown => JSON.parse(rng.pick(WEIRD_JSON));
const HUGE_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '0.1e-400', '-0', '1.7976931348623157e308', '9007199254740993', '4e-324'];
const METHODS = ['turn/completed', 'turn/started', 'item/completed', 'item/agentMessage/delta', 'serverRequest/resolved', 'account/login/completed', 'item/commandExecution/requestApproval', 'item/tool/call', 'error', '__proto__', 'constructor', 'hasOwnProperty', ''];

function deep(rng: Rng): string {
  const d = 1 + rng.int(rng.chance(0.02) ? 50_000 : 200);
  return rng.chance(0.5) ? '['.repeat(d) + ']'.repeat(d) : '{"a":'.repeat(d) + '1' + '}'.repeat(d);
}

/** A weird JSON-ish line: a mutation of a transcript line, or something made up. */
function mutatedLine(rng: Rng): string | Uint8Array {
  const line = rng.pick(CORPUS);
  switch (rng.int(12)) {
    case 0: {
      // byte flips
      const bytes = enc.encode(line);
      for (let k = 1 + rng.int(4); k > 0; k--) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
      return bytes;
    }
    case 1:
      return line.slice(0, rng.int(line.length));
    case 2: {
      const other = rng.pick(CORPUS);
      return line.slice(0, rng.int(line.length)) + other.slice(rng.int(other.length));
    }
    case 3: {
      // wrong types for id / method / params / result / error
      const m = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['id', 'method', 'params', 'result', 'error']) if (rng.chance(0.3)) m[key] = weird(rng);
      if (rng.chance(0.3)) m.id = 1 + rng.int(40); // collide with pending ids
      if (m.params && typeof m.params === 'object' && rng.chance(0.5)) {
        const p = m.params as Record<string, unknown>;
        for (const key of ['threadId', 'turnId', 'turn', 'item', 'requestId', 'loginId']) if (rng.chance(0.3)) p[key] = weird(rng);
      }
      return JSON.stringify(m);
    }
    case 4: {
      const shape = rng.int(4);
      if (shape === 0) return `{"method":"${rng.pick(METHODS)}","params":${deep(rng)}}`;
      if (shape === 1) return `{"id":${1 + rng.int(40)},"error":{"code":-32000,"message":"deep","data":${deep(rng)}}}`;
      if (shape === 2) return `{"id":${1 + rng.int(40)},"result":${deep(rng)}}`;
      return deep(rng);
    }
    case 5:
      return line.replace(/-?\d+(\.\d+)?/, rng.pick(HUGE_NUMBERS));
    case 6: {
      const bytes = new Uint8Array(rng.int(200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return bytes;
    }
    case 7:
      return `{"id":${rng.pick([...HUGE_NUMBERS, String(1 + rng.int(40)), '"srv-1"', 'null', '{}'])},"method":"${rng.pick(METHODS)}","params":${rng.pick(WEIRD_JSON)}}`;
    case 8:
      return `{"id":${1 + rng.int(40)},"${rng.pick(['result', 'error'])}":${rng.pick(WEIRD_JSON)}}`;
    case 10:
      // A known method with params of the wrong shape, or none.
      return rng.chance(0.2) ? `{"method":"${rng.pick(METHODS)}"}` : `{"method":"${rng.pick(METHODS)}","params":${rng.pick(WEIRD_JSON)}}`;
    case 9:
      return `{"method":"${rng.pick(METHODS)}","method":1,"id":2,"id":"x","params":{"threadId":"thr-1","turnId":"turn-1","threadId":{}}}`;
    default:
      return line;
  }
}

/** Bytes of 1–4 weird lines joined by LF / CRLF / blank lines, maybe without the final newline. */
function stream(rng: Rng): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const l = mutatedLine(rng);
    parts.push(typeof l === 'string' ? enc.encode(l) : l);
    parts.push(enc.encode(rng.pick(['\n', '\n', '\r\n', '\n\n', '\r\n\r\n', ' \n', ''])));
  }
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits bytes at random boundaries (also inside UTF-8 sequences and CRLF). */
function chunks(rng: Rng, bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = rng.chance(0.3) ? 1 + rng.int(3) : 1 + rng.int(Math.max(1, bytes.length));
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** The lines a correct decoder must produce, and whether some segment breaks `max`. */
/**
 * One fuzz input: half the time a mutated stream written as raw bytes in random chunks (while
 * `open()`), else one mutated line delivered as a parsed message (a weird value when it does not parse).
 */
function feed(rng: Rng, transport: InMemoryTransport, open: () => boolean = () => true): void {
  if (rng.chance(0.5)) {
    for (const c of chunks(rng, stream(rng))) {
      if (!open()) break;
      transport.write(c);
    }
  } else {
    const l = mutatedLine(rng);
    let value: unknown;
    try {
      value = JSON.parse(typeof l === 'string' ? l : new TextDecoder().decode(l));
    } catch {
      value = weird(rng);
    }
    transport.emit(value as object);
  }
}

function reference(bytes: Uint8Array, max: number): { lines: string[]; tooLongAt: number } {
  const dec = new TextDecoder('utf-8');
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    let nl = bytes.indexOf(0x0a, start);
    const last = nl === -1;
    if (last) nl = bytes.length;
    if (nl - start > max) return { lines, tooLongAt: lines.length };
    let end = nl;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    const text = dec.decode(bytes.subarray(start, end));
    if (end > start && text.trim().length > 0) lines.push(text);
    if (last) return { lines, tooLongAt: -1 };
    start = nl + 1;
  }
}

describe('reliability: fuzzing (seed 0x' + SEED.toString(16) + ')', () => {
  const unhandled = trackUnhandled();
  beforeEach(() => unhandled.start());
  afterEach(async () => {
    await unhandled.stop();
    expect(unhandled.errors).toEqual([]);
  });

  it(`LineDecoder: ${DECODER_INPUTS.toLocaleString('en')} mutated streams at random chunk boundaries give exactly the reference lines, or ProtocolError only past the limit`, () => {
    const rng = prng(SEED);
    let lines = 0;
    let overLimit = 0;
    for (let i = 0; i < DECODER_INPUTS; i++) {
      const bytes = stream(rng);
      const max = rng.pick([16, 256, 4096, 1 << 20]);
      const expected = reference(bytes, max);
      const decoder = new LineDecoder(max);
      const got: string[] = [];
      let error: unknown;
      try {
        for (const c of chunks(rng, bytes)) decoder.push(c, (l) => got.push(l));
        decoder.end((l) => got.push(l));
      } catch (e) {
        error = e;
      }
      // (Plain comparisons: expect() per input would dominate the run time.)
      const same = (n: number) => got.length === n && got.every((l, k) => l === expected.lines[k]);
      if (expected.tooLongAt === -1) {
        if (error !== undefined) throw new Error(`input ${i}: unexpected ${String(error)}`);
        if (!same(expected.lines.length) || decoder.bufferedBytes !== 0) expect(got).toEqual(expected.lines);
      } else {
        if (!ProtocolError.is(error)) throw new Error(`input ${i}: expected ProtocolError past ${max} bytes, got ${String(error)}`);
        // A prefix of the reference: nothing invented, nothing past the bad line.
        if (!same(got.length) || got.length > expected.tooLongAt) expect(got).toEqual(expected.lines.slice(0, expected.tooLongAt));
        overLimit++;
      }
      lines += got.length;
    }
    // eslint-disable-next-line no-console
    console.log(`fuzz LineDecoder: ${DECODER_INPUTS} inputs, ${lines} lines decoded, ${overLimit} rejected past the limit`);
    expect(overLimit).toBeGreaterThan(0);
  });

  it(`Connection dispatch: ${CONNECTION_INPUTS.toLocaleString('en')} mutated/random messages (raw bytes and objects) → no throw, no unhandled error; still answering or failed typed`, async () => {
    const rng = prng(SEED ^ 0x5a5a5a5a);
    let sessions = 0;
    let failedTyped = 0;
    let survived = 0;
    let warnings = 0;
    let routed = 0;
    let fed = 0;

    while (fed < CONNECTION_INPUTS) {
      sessions++;
      // Every other session has a small line limit: it soon fails with ProtocolError, typed.
      const transport = new InMemoryTransport({ maxLineBytes: sessions % 2 === 0 ? 1024 : undefined, recordSent: false });
      const handlers = [() => ({ decision: 'decline' }), () => Promise.resolve({}), () => of({}), () => new Observable<never>(), () => { throw new Error('handler boom'); }];
      const connection = new Connection(transport, {
        clientInfo,
        maxBufferedPerThread: 50,
        maxPendingServerRequests: 20,
        serverRequestHandler: () => rng.pick(handlers)(),
      });
      connection.warnings$.subscribe(() => warnings++);
      connection.notifications$.subscribe({ error: () => undefined });
      let lastRequestId: string | number = -1;
      transport.sent$.subscribe((m) => {
        if (m.method !== undefined && m.id !== undefined) lastRequestId = m.id;
      });
      await firstValueFrom(connection.connect());
      const inflight: Array<{ unsubscribe(): void }> = [];
      const sink = { next: (_m: RoutedMessage) => routed++, error: () => undefined };
      let sessionInputs = 0;

      while (fed < CONNECTION_INPUTS && connection.state === 'ready' && sessionInputs < 20_000) {
        if (sessionInputs % 500 === 0) {
          // Things in flight for the garbage to hit: requests with ids 1…40, claimed and bound turns.
          for (const s of inflight.splice(0)) s.unsubscribe();
          for (let k = 0; k < 5; k++) inflight.push(connection.request('model/list', {}).subscribe({ error: () => undefined }));
          for (const [threadId, turnId] of TURNS) {
            const claim = connection.claimTurn(threadId, sink);
            if (rng.chance(0.5)) claim.bind(turnId);
            inflight.push({ unsubscribe: () => (claim.release(), connection.releaseTurn(turnId, sink)) });
          }
        }
        fed++;
        sessionInputs++;
        feed(rng, transport, () => connection.state === 'ready');
      }

      if (connection.state === 'ready') {
        // Still works: a request after the fuzz gets its answer.
        const answer = new ObservableStream(connection.request('thread/list', {}));
        transport.respond(lastRequestId, { data: [], nextCursor: null });
        expect(await answer.takeNext(1000)).toEqual({ data: [], nextCursor: null });
        survived++;
      } else {
        const e = await firstValueFrom(connection.connect()).catch((x) => x);
        expect(CodexError.is(e)).toBe(true);
        failedTyped++;
      }
      for (const s of inflight.splice(0)) s.unsubscribe();
      await connection.close();
      expect(connection.stats).toEqual(ZERO_STATS);
    }
    // eslint-disable-next-line no-console
    console.log(
      `fuzz Connection: ${fed} inputs over ${sessions} sessions (${survived} still answering, ${failedTyped} failed typed), ${warnings} warnings, ${routed} messages routed to turns`,
    );
    expect(survived).toBeGreaterThan(0);
    expect(failedTyped).toBeGreaterThan(0);
  });

  it(`Codex: ${CODEX_INPUTS.toLocaleString('en')} mutated messages with inbound validation, a live turn, approvals and a login waiting → no throw, no unhandled error, still answering`, async () => {
    const rng = prng(SEED ^ 0x0badf00d);
    const transport = new InMemoryTransport({ recordSent: false });
    // Threads and turns get the transcripts' ids, so mutated messages reach them.
    const threadIds = [...new Set(TURNS.map(([t]) => t))];
    let nextThread = 0;
    transport.onRequest('thread/start', () => ({ thread: { id: threadIds[nextThread++ % threadIds.length] } }));
    transport.onRequest('turn/start', (p: { threadId: string }) => {
      const turns = TURNS.filter(([t]) => t === p.threadId);
      return { turn: { id: rng.pick(turns)[1], status: 'inProgress', items: [], error: null } };
    });
    transport.onRequest('turn/interrupt', () => ({}));
    transport.onRequest('account/login/start', () => ({ type: 'chatgpt', loginId: 'login-1', authUrl: 'https://example.invalid' }));
    transport.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    const codex = new Codex({ transport, validateInbound: true, maxPendingServerRequests: 20, approvalHandler: (r) => (rng.chance(0.5) ? undefined : { decision: 'accept' } as never) });
    let warnings = 0;
    codex.warnings$.subscribe(() => warnings++);
    codex.notifications$.subscribe({ error: () => undefined });
    codex.pendingRequests$.subscribe((p) => {
      if (rng.chance(0.5)) {
        try {
          p.respond({ decision: 'decline' } as never);
        } catch {
          // already answered / malformed: respond() refuses, by contract
        }
      }
    });
    const threads = await Promise.all(threadIds.map(() => firstValueFrom(codex.threadStart())));
    const login = await firstValueFrom(codex.loginChatgpt());
    login.completed$.subscribe({ error: () => undefined });
    // Turns stream and results: whatever they end with must be a typed CodexError.
    const turnErrors: unknown[] = [];
    let turnsCompleted = 0;
    const startTurn = (k: number) => {
      const thread = threads[k % threads.length];
      return ((k % 2 === 0 ? thread.turn('fuzz me') : thread.run('fuzz me')) as Observable<unknown>).subscribe({
        error: (e: unknown) => turnErrors.push(e),
        complete: () => turnsCompleted++,
      });
    };
    let turns = threads.map((_, k) => startTurn(k));
    let started = turns.length;

    for (let i = 0; i < CODEX_INPUTS; i++) {
      if (i % 500 === 0) {
        for (const t of turns) t.unsubscribe();
        turns = threads.map(() => startTurn(started++));
      }
      feed(rng, transport);
    }
    for (const t of turns) t.unsubscribe();
    expect(turnErrors.filter((e) => !CodexError.is(e))).toEqual([]);
    expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
    // eslint-disable-next-line no-console
    console.log(
      `fuzz Codex: ${CODEX_INPUTS} inputs, ${warnings} warnings, ${started} turns (${turnsCompleted} completed, ${turnErrors.length} failed typed), still answering`,
    );
    await codex.close();
    expect(codex.stats).toEqual(ZERO_STATS);
  });
  it(`Codex: ${DUPLICATE_ROUNDS.toLocaleString('en')} rounds of concurrent turn/start answered with duplicate turn ids, in random order with the turns' events and unsubscribes → every follower sees its turn to the end, nothing hangs, no interrupt while someone follows`, async () => {
    const rng = prng(SEED ^ 0x7e57d00d);
    const transport = new InMemoryTransport({ recordSent: false });
    transport.onRequest('thread/start', () => ({ thread: { id: 'thr-dup' } }));
    const codex = new Codex({ transport });
    const thread = await firstValueFrom(codex.threadStart());
    const interrupts: string[] = [];
    const violations: string[] = [];
    /** Subscriptions answered with a turn id that still follow it (not unsubscribed, not ended). */
    const live = new Map<string, number>();
    const pendingStarts: Array<string | number> = [];
    transport.sent$.subscribe((m) => {
      if (m.method === 'turn/start' && m.id !== undefined) pendingStarts.push(m.id);
      if (m.method === 'turn/interrupt') {
        const turnId = (m.params as { turnId: string }).turnId;
        interrupts.push(turnId);
        if ((live.get(turnId) ?? 0) > 0) violations.push(`turn/interrupt of ${turnId} while ${live.get(turnId)} still follow it`);
        transport.respond(m.id!, {});
      }
    });
    const turnIdOf = (e: { params?: unknown }) => {
      const p = e.params as { turnId?: string; turn?: { id: string } };
      return p.turnId ?? p.turn?.id;
    };
    let completedFollowers = 0;
    let joined = 0;

    for (let round = 0; round < DUPLICATE_ROUNDS; round++) {
      const pool = [`r${round}-a`, `r${round}-b`];
      const ended = new Set<string>();
      const started = new Set<string>();
      interface Sub { id?: string; events: Array<{ params?: unknown; method: string }>; done: boolean; left: boolean; errors: unknown[]; sub?: { unsubscribe(): void } }
      const subs: Sub[] = [];
      const trace: string[] = [];
      const requestOf = new Map<string | number, Sub>();
      const follow = (s: Sub, turnId: string) => {
        s.id = turnId;
        if (!s.left && !s.done) live.set(turnId, (live.get(turnId) ?? 0) + 1);
      };
      const unfollow = (s: Sub) => {
        if (s.id !== undefined) live.set(s.id, (live.get(s.id) ?? 1) - 1);
      };
      const start = () => {
        const s: Sub = { events: [], done: false, left: false, errors: [] };
        subs.push(s);
        const before = pendingStarts.length;
        s.sub = thread.turn('dup').subscribe({
          next: (e) => s.events.push(e as never),
          error: (e) => {
            s.errors.push(e);
            if (!s.done) unfollow(s);
            s.done = true;
          },
          complete: () => {
            if (!s.done && s.id !== undefined) unfollow(s);
            s.done = true;
            completedFollowers++;
          },
        });
        requestOf.set(pendingStarts[before]!, s);
        trace.push(`subscriber ${subs.length - 1} starts`);
      };
      const answer = (k: number) => {
        const [id] = pendingStarts.splice(k, 1);
        // The server answers with a turn still running (folded) or a new one, never a finished one.
        const open = pool.filter((t) => !ended.has(t));
        let turnId: string;
        if (open.length > 0 && rng.chance(0.9)) turnId = rng.pick(open);
        else pool.push((turnId = `r${round}-${pool.length}`));
        const s = requestOf.get(id!)!;
        trace.push(`answer start of subscriber ${subs.indexOf(s)} with ${turnId}`);
        if (subs.some((o) => o !== s && o.id === turnId)) joined++;
        follow(s, turnId);
        transport.respond(id!, { turn: { id: turnId, status: 'inProgress', items: [], error: null } });
      };
      const emitTurn = (method: string, turnId: string) => {
        trace.push(`${method} ${turnId}`);
        if (method === 'turn/started') {
          started.add(turnId);
          transport.emit({ method, params: { threadId: 'thr-dup', turn: { id: turnId, status: 'inProgress', items: [], error: null } } });
        } else if (method === 'turn/completed') {
          ended.add(turnId);
          transport.emit({ method, params: { threadId: 'thr-dup', turn: { id: turnId, status: 'completed', items: [], error: null, startedAt: null, completedAt: null, durationMs: null } } });
        } else if (method === 'item/completed') {
          transport.emit({ method, params: { threadId: 'thr-dup', turnId, item: { type: 'agentMessage', id: `m-${turnId}`, text: 'hi', phase: null } } });
        } else transport.emit({ method, params: { threadId: 'thr-dup', turnId, itemId: `m-${turnId}`, delta: 'x' } });
      };

      for (let k = 2 + rng.int(3); k > 0; k--) start();
      for (let step = 0; step < 12; step++) {
        const action = rng.int(8);
        const turnId = rng.pick(pool);
        if (action <= 1 && pendingStarts.length > 0) answer(rng.int(pendingStarts.length));
        else if (action === 2 && !started.has(turnId) && !ended.has(turnId)) emitTurn('turn/started', turnId);
        else if (action === 3 && !ended.has(turnId)) emitTurn(rng.pick(['item/agentMessage/delta', 'item/completed']), turnId);
        else if (action === 4 && !ended.has(turnId) && started.has(turnId)) emitTurn('turn/completed', turnId);
        else if (action === 5) {
          const s = rng.pick(subs);
          if (!s.left && !s.done) {
            s.left = true;
            trace.push(`subscriber ${subs.indexOf(s)} leaves`);
            if (s.id !== undefined) unfollow(s);
            s.sub!.unsubscribe();
          }
        } else if (action === 6 && subs.length < 6) start();
      }
      // The server finishes: every start answered, every turn of the pool completed.
      while (pendingStarts.length > 0) answer(0);
      for (const turnId of pool) {
        if (ended.has(turnId)) continue;
        if (!started.has(turnId)) emitTurn('turn/started', turnId);
        emitTurn('turn/completed', turnId);
      }

      for (const [k, s] of subs.entries()) {
        const where = `round ${round}, subscriber ${k} (turn ${s.id})`;
        if (s.errors.length > 0) violations.push(`${where}: errored ${String(s.errors[0])}`);
        if (!s.left && !s.done) violations.push(`${where}: still waiting after its turn completed`);
        if (s.events.some((e) => turnIdOf(e) !== s.id)) violations.push(`${where}: got an event of another turn`);
        if (s.done && s.events[s.events.length - 1]?.method !== 'turn/completed') violations.push(`${where}: completed without turn/completed`);
      }
      if (violations.length > 0) {
        violations.push(`round ${round}: ${trace.join('; ')}`);
        break;
      }
      const stats = codex.stats;
      if (stats.routes + stats.claimedThreads + stats.bufferedMessages + stats.pendingRequests !== 0) {
        violations.push(`round ${round}: not idle after every turn completed: ${JSON.stringify(stats)}`);
        break;
      }
      if (thread.activeTurn !== undefined) violations.push(`round ${round}: activeTurn ${thread.activeTurn} after every turn completed`);
    }
    expect(violations).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(`fuzz duplicate turn ids: ${DUPLICATE_ROUNDS} rounds, ${joined} starts joined a turn another start had, ${completedFollowers} streams completed, ${interrupts.length} interrupts`);
    expect(joined).toBeGreaterThan(DUPLICATE_ROUNDS / 2);
    await codex.close();
    expect(codex.stats).toEqual(ZERO_STATS);
  });
});
