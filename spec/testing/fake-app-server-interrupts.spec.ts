// The fake ends an interrupted turn the way codex app-server 0.171.0 does, whenever the interrupt
// comes: it answers the interrupt, sends nothing more of the step it was playing, and ends the
// turn `interrupted` (spec/e2e/interrupts.e2e.spec.ts runs the same scenarios against the binary).
import { catchError, filter, first, of, map, NEVER, Subject, switchMap, take, takeUntil, takeWhile, tap, timer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { isServerRequest, type Thread, type TurnEvent } from '../../lib/index.js';
import { FakeAppServer, scriptTurn, type DeliveredMessage, type TurnScript } from '../../lib/testing/index.js';
import { wireLabel } from '../support/wire-label.js';

function marbles(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** What the fake sent once the thread was started: the turn's messages and the answers of turn requests. */
function turnWire(server: FakeAppServer): Observable<string> {
  return server.delivered$.pipe(
    filter((d) => d.kind !== 'answer' || d.method.startsWith('turn/')),
    map(label),
  );
}

function label(d: DeliveredMessage): string {
  return wireLabel(d.message, d.kind === 'answer' ? d.method : undefined);
}

const isCommandStart = (e: TurnEvent) => e.method === 'item/started' && e.params.item.type === 'commandExecution';
const turnOf = (server: FakeAppServer, script: TurnScript, run: (thread: Thread) => Observable<TurnEvent>, config = {}) =>
  server
    .enqueueTurn(script)
    .createClient(config)
    .threadStart()
    .pipe(switchMap(run));

// Wire labels, by letter.
const W = {
  s: 'answer turn/start',
  S: 'turn/started',
  u: 'item/started userMessage',
  U: 'item/completed userMessage',
  a: 'item/started agentMessage',
  d: 'item/agentMessage/delta',
  A: 'item/completed agentMessage',
  c: 'item/started commandExecution',
  r: 'item/commandExecution/requestApproval',
  i: 'answer turn/interrupt',
  I: 'turn/completed interrupted',
  R: 'serverRequest/resolved',
  T: 'thread/status/changed active',
  w: 'thread/status/changed active waitingOnApproval',
  z: 'thread/status/changed idle',
  x: 'thread/status/changed systemError',
};

describe('FakeAppServer: an interrupt ends the turn `interrupted`, with nothing of the interrupted step after it', () => {
  const answer = scriptTurn().agentMessage('one two three', { chunks: 3 }).wait(10).agentMessage('never sent');

  it('take(1): the client leaves at turn/started; the user message and the answer never go out', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const events$ = turnOf(server, answer, (thread) => thread.turn('go').pipe(take(1)));
      expectObservable(turnWire(server)).toBe('(sTSizI)', W);
      expectObservable(events$.pipe(map((e) => e.method))).toBe('(a|)', { a: 'turn/started' });
    });
  });

  it('first(): the client leaves at the first delta; no further delta, no item/completed for the message', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const events$ = turnOf(server, scriptTurn().wait(10).agentMessage('one two three', { chunks: 3 }).agentMessage('never sent'), (thread) =>
        thread.turn('go').pipe(first((e) => e.method === 'item/agentMessage/delta')),
      );
      expectObservable(turnWire(server)).toBe('(sTSuU) 3ms (adizI)', W);
      expectObservable(events$.pipe(map((e) => (e.method === 'item/agentMessage/delta' ? e.params.delta : e.method)))).toBe('10ms (a|)', { a: 'one ' });
    });
  });

  it('stopping in reaction to an event: the command that started never completes', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const stop = new Subject<void>();
      const events$ = turnOf(server, scriptTurn().wait(10).command('sleep 30', { output: 'zzz' }).agentMessage('never sent'), (thread) =>
        thread.turn('go').pipe(
          tap((e) => isCommandStart(e) && stop.next()),
          takeUntil(stop),
        ),
      );
      expectObservable(turnWire(server)).toBe('(sTSuU) 3ms (cizI)', W);
      expectObservable(events$.pipe(map((e) => e.method))).toBe('(abc) 5ms |', { a: 'turn/started', b: 'item/started', c: 'item/completed' });
    });
  });

  it('before the turn/start answer: the interrupt goes out at turn/started and the turn ends there', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer().hold('turn/start');
      timer(3).subscribe(() => server.respondTo('turn/start'));
      const events$ = turnOf(server, answer, (thread) => thread.turn('go').pipe(takeUntil(timer(1))));
      expectObservable(turnWire(server)).toBe('---(sTSizI)', W);
      expectObservable(events$).toBe('-|');
    });
  });

  it('by turn id while an approval waits: turn/completed, then serverRequest/resolved, and the stream completes', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const script = scriptTurn().command('touch x.txt', { approval: true }).agentMessage('never sent');
      let turnId: string | undefined;
      const events$ = turnOf(
        server,
        script,
        (thread) =>
          thread.turn('go').pipe(
            tap((e) => {
              if (e.method === 'turn/started') turnId = e.params.turn.id;
              if (isServerRequest(e)) thread.interrupt(turnId).subscribe();
            }),
          ),
        { approvalHandler: () => NEVER },
      );
      expectObservable(turnWire(server)).toBe('(sTSuUcwrizIR)', W);
      expectObservable(events$.pipe(map((e) => wireLabel(e)))).toBe('(SuUcrI|)', W);
    });
  });
});

describe('FakeAppServer: interrupts and endings at any moment', () => {
  /** One of each kind of step, with waits between some. */
  const busy = scriptTurn()
    .reasoning('Thinking', { chunks: 2 })
    .wait(1)
    .agentMessage('one two', { chunks: 2 })
    .command('npm test', { output: 'ok\n', chunks: 2 })
    .wait(1)
    .fileChange([{ path: 'a.txt', diff: '+a\n', kind: 'add' }])
    .tokenUsage({ inputTokens: 1 })
    .agentMessage('done', { chunks: 2 });

  /** Plays `busy`, the client leaving at its `n`th event: what the fake sent, and how much of it before the interrupt request. */
  function leaveAt(n: number): { delivered: string[]; interruptAt: number | undefined } {
    const out: { delivered: string[]; interruptAt: number | undefined } = { delivered: [], interruptAt: undefined };
    marbles().run(({ flush }) => {
      const server = new FakeAppServer();
      server.transport.sent$.subscribe((m) => {
        if (m.method === 'turn/interrupt') out.interruptAt = server.delivered.length;
      });
      let seen = 0;
      turnOf(server, busy, (thread) => thread.turn('go').pipe(takeWhile(() => ++seen < n, true))).subscribe();
      flush();
      out.delivered = server.delivered.map(label);
    });
    return out;
  }

  it('whichever event the client leaves at, only the interrupt answer, the idle status and turn/completed interrupted follow it', () => {
    const whole = leaveAt(Infinity);
    expect(whole.interruptAt).toBeUndefined();
    expect(whole.delivered.filter((l) => l === 'item/agentMessage/delta')).toHaveLength(4);
    const turnEvents = whole.delivered.filter((l) => !l.startsWith('answer ') && !l.startsWith('thread/status/changed')).length;
    for (let n = 1; n < turnEvents; n++) {
      const run = leaveAt(n);
      expect({ n, before: run.delivered.slice(0, run.interruptAt) }).toEqual({ n, before: whole.delivered.slice(0, run.interruptAt) });
      expect({ n, after: run.delivered.slice(run.interruptAt) }).toEqual({ n, after: ['answer turn/interrupt', 'thread/status/changed idle', 'turn/completed interrupted'] });
    }
    // Leaving at turn/completed itself interrupts nothing.
    expect(leaveAt(turnEvents).interruptAt).toBeUndefined();
  });

  it.each([
    ['completed', scriptTurn().agentMessage('a').complete().agentMessage('not played')],
    ['failed', scriptTurn().agentMessage('a').fail('quota').agentMessage('not played')],
    ['interrupted', scriptTurn().agentMessage('a').interrupted().agentMessage('not played')],
  ])('a script ending %s: nothing of the turn after turn/completed', (status, script) => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const failed = status === 'failed';
      const values = { ...W, c: `turn/completed ${status}`, e: 'error' };
      expectObservable(turnWire(server)).toBe(failed ? '(sTSuUadAxec)' : '(sTSuUadAzc)', values);
      expectObservable(turnOf(server, script, (thread) => thread.turn('go')).pipe(map((e) => wireLabel(e)))).toBe(failed ? '(SuUadAec|)' : '(SuUadAc|)', values);
    });
  });

  it('a failing turn is over from its error on: an interrupt in reaction to it is refused and the turn ends failed', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const events$ = turnOf(server, scriptTurn().agentMessage('partial').fail('boom').agentMessage('never sent'), (thread) =>
        thread.turn('go').pipe(takeWhile((e) => e.method !== 'error', true)),
      );
      expectObservable(turnWire(server)).toBe('(sTSuUadAxefc)', { ...W, e: 'error', f: 'answer turn/interrupt error: no active turn to interrupt', c: 'turn/completed failed' });
      expectObservable(events$.pipe(map((e) => wireLabel(e)))).toBe('(SuUadAe|)', { ...W, e: 'error' });
    });
  });

  it('the app-server dying mid-step: nothing more goes out', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer();
      const events$ = turnOf(server, scriptTurn().agentMessage('one two', { chunks: 2 }), (thread) =>
        thread.turn('go').pipe(tap((e) => e.method === 'item/agentMessage/delta' && server.fail())),
      );
      expectObservable(turnWire(server)).toBe('(sTSuUad)', W);
      expectObservable(events$.pipe(map((e) => wireLabel(e)), catchError((e: Error) => of(e.name)))).toBe('(SuUax|)', { ...W, x: 'TransportClosedError' });
    });
  });

  it('refuses an interrupt as 0.171.0 does: before turn/started, for another turn, after the turn ended', () => {
    marbles().run(({ expectObservable }) => {
      const server = new FakeAppServer().enqueueTurn(scriptTurn().wait(2).agentMessage('hi'));
      const codex = server.createClient();
      const input = [{ type: 'text' as const, text: 'go', text_elements: [] }];
      const interrupt = (turnId: string) => codex.request('turn/interrupt', { threadId: 'thr-1', turnId });
      expectObservable(turnWire(server).pipe(filter((l) => l.startsWith('answer turn/interrupt')))).toBe('ab-c', {
        a: 'answer turn/interrupt error: no active turn to interrupt',
        b: 'answer turn/interrupt error: expected active turn id turn-9 but found turn-1',
        c: 'answer turn/interrupt error: no active turn to interrupt',
      });
      timer(0).subscribe(() => {
        codex.threadStart().subscribe();
        codex.request('turn/start', { threadId: 'thr-1', input }).subscribe(() => interrupt('turn-1').subscribe({ error: () => undefined }));
      });
      timer(1).subscribe(() => interrupt('turn-9').subscribe({ error: () => undefined }));
      timer(3).subscribe(() => interrupt('turn-1').subscribe({ error: () => undefined }));
    });
  });
});
