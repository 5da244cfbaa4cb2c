/**
 * Faults injected by a real misbehaving process (spec/support/fake-app-server.js) spoken to
 * through the real StdioTransport, Connection and Codex. Each test states what the user sees
 * (docs/reliability.md has the table): a typed error on exactly the affected Observables, within
 * a bounded time, or a warning on `warnings$` while the rest keeps working. Every test ends with
 * every counter of `codex.stats` back at zero and no unhandled error.
 */
import { concatMap, firstValueFrom, lastValueFrom, mergeMap, Observable, of, timer, toArray } from 'rxjs';
import type { Codex } from '../../lib/codex.js';
import type { CodexSpawnConfig } from '../../lib/codex-config.js';
import { ProtocolError, TransportClosedError } from '../../lib/errors.js';
import type { Thread } from '../../lib/thread.js';
import type { FakeAction, FakeScenario } from '../support/fake-app-server-harness.js';
import { ObservableStream } from '../support/observable-stream.js';
import { eventually, processGone, useFakeAppServer, waitGone, ZERO_STATS } from './support.js';
import { turnInfo } from '../../lib/testing/index.js';

jest.setTimeout(30_000);

/** Every affected Observable must end within this (the process side may take a moment to die). */
const BOUND_MS = 5000;

const THREAD = 'thr-1';
const respondTurn = (id: string): FakeAction => ({ respond: { turn: turnInfo({ id }) } });
const turnStarted = (id: string): FakeAction => ({ send: { method: 'turn/started', params: { threadId: THREAD, turn: turnInfo({ id }) } } });
const deltaMessage = (turnId: string, text: string) => ({ method: 'item/agentMessage/delta', params: { threadId: THREAD, turnId, itemId: 'msg-1', delta: text } });
const turnCompleted = (id: string): FakeAction => ({ send: { method: 'turn/completed', params: { threadId: THREAD, turn: turnInfo({ id, status: 'completed' }) } } });
const approvalRequest = (id: string | number, turnId = 'turn-x') => ({
  id,
  method: 'item/commandExecution/requestApproval',
  params: { threadId: THREAD, turnId, itemId: `cmd-${id}`, startedAtMs: 1, environmentId: null, command: 'rm -rf /', cwd: '/tmp' },
});

describe('reliability: faults injected by the app-server process', () => {
  const fakeServer = useFakeAppServer();
  const open = fakeServer.open;

  async function connected(scenario: FakeScenario, config: CodexSpawnConfig = {}) {
    const s = open(scenario, config);
    await firstValueFrom(s.codex.connect());
    const pid = (s.codex.metadata as unknown as { fakePid: number }).fakePid;
    return { ...s, pid };
  }

  async function threadOf(codex: Codex): Promise<Thread> {
    return firstValueFrom(codex.threadStart());
  }

  describe('the process dies (fatal: TransportClosedError on everything in flight, and after)', () => {
    it.each([
      ['exits', { exit: 3 }, { exitCode: 3, signal: null }],
      ['is killed', { kill: 'SIGKILL' }, { exitCode: null, signal: 'SIGKILL' }],
    ])('mid-handshake: it %s → connect(), queued requests and notifications$ fail with the same TransportClosedError', async (_how, death, expected) => {
      const { codex } = open({ on: { initialize: [{ stderr: 'dying in the handshake\n' }, death] } });
      const connect = new ObservableStream(codex.connect());
      const models = new ObservableStream(codex.models()); // waits for the handshake
      const notes = new ObservableStream(codex.notifications$);
      const e = (await connect.takeError(BOUND_MS)) as TransportClosedError;
      expect(TransportClosedError.is(e)).toBe(true);
      expect(e).toMatchObject(expected);
      expect(e.stderrTail).toContain('dying in the handshake');
      expect(await models.takeError(BOUND_MS)).toBe(e);
      expect(await notes.takeError(BOUND_MS)).toBe(e);
      // And later calls fail at once with it: nothing waits on a dead process.
      expect(await firstValueFrom(codex.models()).catch((x) => x)).toBe(e);
      expect(await firstValueFrom(codex.connect()).catch((x) => x)).toBe(e);
      expect(codex.stats).toEqual(ZERO_STATS);
    });

    it.each([
      ['exits', { exit: 4 }, { exitCode: 4, signal: null }],
      ['is killed', { kill: 'SIGKILL' }, { exitCode: null, signal: 'SIGKILL' }],
    ])('mid-request: it %s → every pending request fails with TransportClosedError (exit code / signal, stderr tail)', async (_how, death, expected) => {
      const { codex, pid } = await connected({ on: { 'model/list': [{ sleep: 200 }, { stderr: 'dying mid-request\n' }, death] } });
      const models = new ObservableStream(codex.models());
      const slow = new ObservableStream(codex.threadStart()); // queued behind model/list: never answered
      const e = (await models.takeError(BOUND_MS)) as TransportClosedError;
      expect(TransportClosedError.is(e)).toBe(true);
      expect(e).toMatchObject(expected);
      expect(e.message).toContain('dying mid-request');
      expect(await slow.takeError(BOUND_MS)).toBe(e);
      expect(processGone(pid)).toBe(true);
      expect(codex.stats).toEqual(ZERO_STATS);
    });

    it.each([
      ['exits', { exit: 5 }, { exitCode: 5, signal: null }],
      ['is killed', { kill: 'SIGKILL' }, { exitCode: null, signal: 'SIGKILL' }],
    ])('mid-turn: it %s → the turn emits what arrived, then fails with TransportClosedError; so does run()', async (_how, death, expected) => {
      const { codex } = await connected({
        on: { 'turn/start': [respondTurn('turn-1'), turnStarted('turn-1'), { send: deltaMessage('turn-1', 'half an ans') }, { sleep: 100 }, death] },
      });
      const thread = await threadOf(codex);
      const turn = new ObservableStream(thread.turn('hello'));
      const other = lastValueFrom(codex.notifications$).catch((x) => x);
      expect(await turn.takeNext(BOUND_MS)).toMatchObject({ method: 'turn/started' });
      expect(await turn.takeNext(BOUND_MS)).toMatchObject({ method: 'item/agentMessage/delta', params: { delta: 'half an ans' } });
      const e = (await turn.takeError(BOUND_MS)) as TransportClosedError;
      expect(TransportClosedError.is(e)).toBe(true);
      expect(e).toMatchObject(expected);
      expect(await other).toBe(e);
      expect(await lastValueFrom(thread.run('again')).catch((x) => x)).toBe(e);
      expect(codex.stats).toEqual(ZERO_STATS);
    });
  });

  describe('bad lines and bad messages (survived: a warning each, everything keeps working)', () => {
    it('lines that are not JSON → `malformed-line` warnings', async () => {
      const { codex, warnings } = await connected({
        on: { 'model/list': [{ raw: 'this is not json\n' }, { raw: '{"id": 1, "result": \n' }, { raw: '\u0000\u00ff\n' }, { builtin: true }] },
      });
      expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
      expect(warnings.map((w) => w.kind)).toEqual(['malformed-line', 'malformed-line', 'malformed-line']);
      expect(warnings[0].detail).toBe('this is not json');
      expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
    });

    it('JSON that is not JSON-RPC → `invalid-message` warnings', async () => {
      const junk = ['[1,2,3]', '42', '"text"', 'null', '{"hello":"world"}', '{"id":{"x":1},"result":1}', '{"method":7}', '{"id":1,"error":{"code":"x"}}', '{"id":true,"method":"x"}'];
      const { codex, warnings } = await connected({ on: { 'model/list': [...junk.map((j) => ({ raw: j + '\n' })), { builtin: true }] } });
      expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
      expect(warnings.map((w) => w.kind)).toEqual(junk.map(() => 'invalid-message'));
    });

    it('a response to an id that is not pending → `unknown-response`; the real answer still arrives', async () => {
      const { codex, warnings } = await connected({ on: { 'model/list': [{ send: { id: 987654, result: { data: ['stray'] } } }, { builtin: true }] } });
      expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
      expect(warnings).toEqual([{ kind: 'unknown-response', message: expect.stringContaining('987654'), detail: { id: 987654, result: { data: ['stray'] } } }]);
    });

    it('a duplicate response → the first answers, the second is an `unknown-response` warning', async () => {
      const { codex, warnings } = await connected({
        on: { 'model/list': [{ respond: { data: ['first'], nextCursor: null } }, { respond: { data: ['second'], nextCursor: null } }] },
      });
      const models = new ObservableStream(codex.models());
      expect(await models.takeNext(BOUND_MS)).toEqual({ data: ['first'], nextCursor: null });
      await models.takeComplete(BOUND_MS);
      await firstValueFrom(codex.threadStart()); // after the duplicate arrived
      expect(warnings.map((w) => w.kind)).toEqual(['unknown-response']);
      expect(warnings[0].detail).toMatchObject({ result: { data: ['second'] } });
    });

    it('a server request whose id equals one of our pending request ids → both directions are answered, nothing crosses', async () => {
      // The fake sends a server request with the id of our model/list request, waits for our
      // answer to it, then answers model/list quoting what we answered.
      const { codex, warnings } = await connected({
        on: {
          'model/list': [
            { send: approvalRequest('${id}') },
            { awaitAnswer: '${id}' },
            { respond: { data: [], nextCursor: null, clientAnswer: '${answer}' } },
          ],
        },
      });
      const result = (await firstValueFrom(codex.models())) as unknown as { clientAnswer: string };
      const answer = JSON.parse(result.clientAnswer) as { id: unknown; result?: { decision?: unknown } };
      expect(answer.id).toEqual(expect.any(Number)); // the same number as our request's id
      expect(answer.result).toEqual({ decision: 'decline' }); // no handler: the safe answer
      expect(warnings).toEqual([]);
    });
  });

  describe('fatal protocol faults (ProtocolError on everything in flight; the process is killed)', () => {
    it('a line longer than maxLineBytes', async () => {
      const { codex, pid } = await connected(
        { on: { 'model/list': [{ raw: '{"id":${id},"result":"' + 'x'.repeat(5000) + '"}\n' }] } },
        { maxLineBytes: 1000 },
      );
      const notes = new ObservableStream(codex.notifications$);
      const e = await firstValueFrom(codex.models()).catch((x) => x);
      expect(ProtocolError.is(e)).toBe(true);
      expect(e.message).toContain('longer than 1000 bytes');
      expect(await notes.takeError(BOUND_MS)).toBe(e);
      await waitGone(pid);
      expect(await firstValueFrom(codex.models()).catch((x) => x)).toBe(e);
    });

    it('the server stops reading its input: past maxPendingWriteBytes every pending request fails with ProtocolError', async () => {
      const { codex, pid } = await connected({ on: { 'model/list': [{ stopReading: true }] } }, { maxPendingWriteBytes: 64 * 1024 });
      const thread = await threadOf(codex);
      const stuck = new ObservableStream(codex.models()); // the server stops reading here: never answered
      await new Promise((r) => setTimeout(r, 100));
      const writes: ObservableStream<unknown>[] = [];
      for (let i = 0; i < 20 && !stuck.closed; i++) {
        writes.push(new ObservableStream(thread.setName('n'.repeat(32 * 1024))));
        await new Promise((r) => setTimeout(r, 5));
      }
      const e = await stuck.takeError(BOUND_MS);
      if (!ProtocolError.is(e)) throw e;
      expect((e as Error).message).toContain('stopped reading its input');
      for (const w of writes) expect(await w.takeError(BOUND_MS)).toBe(e);
      await waitGone(pid);
    });
  });

  describe('a partial last line before exit', () => {
    it('a complete message without its newline is still delivered; then the exit is reported', async () => {
      const { codex, warnings } = await connected({ on: { 'model/list': [{ raw: '{"id":${id},"result":{"data":["last words"],"nextCursor":null}}' }, { exit: 0 }] } });
      const notes = new ObservableStream(codex.notifications$);
      expect(await firstValueFrom(codex.models())).toEqual({ data: ['last words'], nextCursor: null });
      const e = (await notes.takeError(BOUND_MS)) as TransportClosedError;
      expect(TransportClosedError.is(e)).toBe(true);
      expect(e.exitCode).toBe(0);
      expect(warnings).toEqual([]);
    });

    it('a cut message → `malformed-line` warning, and the request fails with TransportClosedError', async () => {
      const { codex, warnings } = await connected({ on: { 'model/list': [{ raw: '{"id":${id},"resu' }, { exit: 0 }] } });
      const e = await firstValueFrom(codex.models()).catch((x) => x);
      expect(TransportClosedError.is(e)).toBe(true);
      expect(warnings.map((w) => w.kind)).toEqual(['malformed-line']);
    });
  });

  describe('floods', () => {
    const N = 20_000;
    const flood = (turnId: string): FakeAction => ({ flood: { count: N, message: deltaMessage(turnId, 'd${i}') } });

    it(`${N} notifications of a turn to a slow synchronous subscriber: all arrive, in order, then turn/completed; nothing is held`, async () => {
      const { codex } = await connected({ on: { 'turn/start': [respondTurn('turn-1'), flood('turn-1'), turnCompleted('turn-1')] } });
      const thread = await threadOf(codex);
      const deltas: string[] = [];
      let last: string | undefined;
      await lastValueFrom(
        thread.turn('flood me').pipe(
          mergeMap((m) => {
            const spin = Date.now() + (deltas.length % 1000 === 0 ? 2 : 0); // stall now and then
            while (Date.now() < spin);
            if (m.method === 'item/agentMessage/delta') deltas.push(m.params.delta);
            last = m.method;
            return of(m);
          }),
        ),
      );
      expect(deltas.length).toBe(N);
      expect(deltas.every((d, i) => d === `d${i}`)).toBe(true);
      expect(last).toBe('turn/completed');
      expect(codex.stats).toEqual(ZERO_STATS);
    });

    it(`${N} notifications to a slow asynchronous consumer (concatMap with timers): nothing is dropped, turn/completed is last`, async () => {
      const { codex } = await connected({ on: { 'turn/start': [respondTurn('turn-1'), flood('turn-1'), turnCompleted('turn-1')] } });
      const thread = await threadOf(codex);
      let i = 0;
      const seen = await lastValueFrom(
        thread.turn('flood me').pipe(
          concatMap((m) => (i++ % 2000 === 0 ? timer(5).pipe(concatMap(() => of(m))) : of(m))),
          toArray(),
        ),
      );
      expect(seen.filter((m) => m.method === 'item/agentMessage/delta')).toHaveLength(N);
      expect(seen[seen.length - 1].method).toBe('turn/completed');
    });

    it('early notifications within maxBufferedPerThread are all delivered once turn/start is answered', async () => {
      const early = { flood: { count: 15, message: deltaMessage('turn-1', '${i}') } };
      const { codex } = await connected({ on: { 'turn/start': [turnStarted('turn-1'), early, respondTurn('turn-1'), turnCompleted('turn-1')] } }, { maxBufferedPerThread: 20 });
      const thread = await threadOf(codex);
      const seen = await lastValueFrom(thread.turn('hi').pipe(toArray()));
      expect(seen.map((m) => m.method)).toEqual(['turn/started', ...Array(15).fill('item/agentMessage/delta'), 'turn/completed']);
    });

    it('more early notifications than maxBufferedPerThread → that turn fails with ProtocolError; the connection keeps working', async () => {
      const early = { flood: { count: 50, message: deltaMessage('turn-1', '${i}') } };
      const { codex } = await connected({ on: { 'turn/start': [early, respondTurn('turn-1'), turnCompleted('turn-1')] } }, { maxBufferedPerThread: 20 });
      const thread = await threadOf(codex);
      const turn = new ObservableStream(thread.turn('hi'));
      const e = await turn.takeError(BOUND_MS);
      expect(ProtocolError.is(e)).toBe(true);
      expect((e as Error).message).toContain('more than 20 messages');
      expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
      // The abandoned turn is interrupted once its id is known; that request ends too.
      await eventually(() => expect(codex.stats).toEqual(ZERO_STATS));
    });

    it('more server requests awaiting an answer than maxPendingServerRequests → the excess is answered -32001 at once, with an `overloaded` warning', async () => {
      const requests = [1, 2, 3, 4, 5].map((n) => ({ send: approvalRequest(`s${n}`) }));
      const { codex, warnings } = await connected(
        { on: { 'model/list': [...requests, { awaitAnswer: 's4' }, { awaitAnswer: 's5' }, { respond: { data: [], nextCursor: null, lastAnswer: '${answer}' } }] } },
        { maxPendingServerRequests: 3, approvalHandler: () => new Observable<never>() /* never answers */ },
      );
      const result = (await firstValueFrom(codex.models())) as unknown as { lastAnswer: string };
      expect(JSON.parse(result.lastAnswer)).toEqual({ id: 's5', error: { code: -32001, message: expect.stringContaining('too many server requests') } });
      expect(warnings.map((w) => w.kind)).toEqual(['overloaded', 'overloaded']);
      expect(codex.stats.pendingServerRequests).toBe(3);
      await codex.close(); // unanswered requests are dropped with the connection
      expect(codex.stats).toEqual(ZERO_STATS);
    });
  });
});
