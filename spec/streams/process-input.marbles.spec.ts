/**
 * pumpInput and checkProcessInput on their own: the input calls are cold marbles the spec chooses
 * (a letter = the server's answer), so the pacing is visible. How codex.exec()/spawn() wire them is
 * spec/streams/command-exec.marbles.spec.ts and process-spawn.marbles.spec.ts.
 */
import { Observable, of } from 'rxjs';
import { JsonRpcError, ValidationError } from '../../lib/errors.js';
import { checkProcessInput, pumpInput, type InputCalls, type TerminalSize } from '../../lib/streams/process-input.js';
import { anError, testScheduler } from '../support/expectations.js';
import { thrown } from '../support/thrown.js';
import { b64, bytes } from './support.js';

describe('pumpInput (marbles)', () => {
  it('writes each chunk (text or bytes, as base64) one request at a time, then closes stdin', () => {
    const scheduler = testScheduler();
    scheduler.run((run) => {
      const writes: Array<[number, string | undefined, boolean]> = [];
      const calls: InputCalls = {
        write: (delta, close) => {
          writes.push([scheduler.now(), delta, close]);
          return run.cold('--a|');
        },
        resize: () => run.cold('a|'),
      };
      const stdin = run.cold<string | Uint8Array>('ab|', { a: 'ls\n', b: bytes('exit\n') });
      pumpInput({ stdin }, calls, (e) => {
        throw e;
      });
      run.flush();
      // Each write waits for the answer to the one before (3 frames each), the close last.
      expect(writes).toEqual([
        [0, b64('ls\n'), false],
        [3, b64('exit\n'), false],
        [6, undefined, true],
      ]);
    });
  });

  it('applies resizes in order, alongside the writes', () => {
    const scheduler = testScheduler();
    scheduler.run((run) => {
      const sent: string[] = [];
      const calls: InputCalls = {
        write: (delta, close) => {
          sent.push(`${scheduler.now()}:${close ? 'close' : Buffer.from(delta!, 'base64').toString()}`);
          return run.cold('----a|');
        },
        resize: (size: TerminalSize) => {
          sent.push(`${scheduler.now()}:${size.rows}x${size.cols}`);
          return run.cold('--a|');
        },
      };
      const stdin = run.cold<string>('a|', { a: 'x' });
      const resize = run.cold<TerminalSize>('ab', { a: { rows: 24, cols: 80 }, b: { rows: 40, cols: 120 } });
      pumpInput({ stdin, resize }, calls, (e) => {
        throw e;
      });
      run.flush();
      expect(sent).toEqual(['0:x', '0:24x80', '3:40x120', '5:close']);
    });
  });

  it('without input it sends nothing and never ends by itself', () => {
    const sent: unknown[] = [];
    const failed: unknown[] = [];
    const calls: InputCalls = { write: (...a) => (sent.push(a), of({})), resize: (s) => (sent.push(s), of({})) };
    const subscription = pumpInput({}, calls, (e) => failed.push(e));
    expect(sent).toEqual([]);
    expect(failed).toEqual([]);
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
  });

  it('the first failed call goes to fail, and nothing more is sent', () => {
    testScheduler().run(({ cold, flush }) => {
      const refused = new JsonRpcError(-32600, 'stdin is closed');
      const failed: unknown[] = [];
      const sent: string[] = [];
      const calls: InputCalls = {
        write: (_d, close) => (sent.push(close ? 'close' : 'write'), cold('-#', undefined, refused)),
        resize: () => (sent.push('resize'), cold('-----a|')),
      };
      pumpInput({ stdin: cold('a-b|', { a: 'x', b: 'y' }), resize: cold('a--b', { a: { rows: 1, cols: 1 }, b: { rows: 2, cols: 2 } }) }, calls, (e) => failed.push(e));
      flush();
      expect(failed).toEqual([refused]);
      expect(sent).toEqual(['write', 'resize']);
    });
  });

  it('a chunk that is neither text nor bytes fails with ValidationError before it is sent', () => {
    const failed: unknown[] = [];
    const sent: unknown[] = [];
    const calls: InputCalls = { write: (d) => (sent.push(d), of({})), resize: () => of({}) };
    pumpInput({ stdin: of('ok', 42, 'never') as never }, calls, (e) => failed.push(e));
    expect(sent).toEqual([b64('ok')]);
    expect(failed).toEqual([anError(ValidationError, { subject: 'stdin', issues: [{ path: 'stdin', message: 'chunks must be strings or Uint8Arrays, got number' }] })]);
    pumpInput({ stdin: of(null) as never }, calls, (e) => failed.push(e));
    expect(failed[1]).toEqual(anError(ValidationError, { issues: [{ path: 'stdin', message: 'chunks must be strings or Uint8Arrays, got null' }] }));
  });

  it('unsubscribing stops the pump: no more writes, no close', () => {
    testScheduler().run(({ cold, expectSubscriptions, flush }) => {
      const sent: string[] = [];
      const calls: InputCalls = { write: (_d, close) => (sent.push(close ? 'close' : 'write'), cold('a|')), resize: () => cold('a|') };
      const stdin = cold('a--b|', { a: 'x', b: 'y' });
      const subscription = pumpInput({ stdin }, calls, () => undefined);
      cold('--x').subscribe(() => subscription.unsubscribe());
      flush();
      expect(sent).toEqual(['write']);
      expectSubscriptions(stdin.subscriptions).toBe('^-!');
    });
  });
});

describe('checkProcessInput', () => {
  it('accepts no input, and Observables', () => {
    expect(() => checkProcessInput({}, 'exec options')).not.toThrow();
    expect(() => checkProcessInput({ stdin: of('x'), resize: new Observable<TerminalSize>() }, 'exec options')).not.toThrow();
  });

  it('names every option that is not an Observable, under the caller\'s subject', () => {
    const e = thrown(() => checkProcessInput({ stdin: 'text' as never, resize: { rows: 1, cols: 2 } as never }, 'spawn options'));
    expect(e).toEqual(anError(ValidationError, {
      subject: 'spawn options',
      issues: [
        { path: 'stdin', message: 'must be an Observable of strings or Uint8Arrays' },
        { path: 'resize', message: 'must be an Observable of { rows, cols }' },
      ],
    }));
    expect(thrown(() => checkProcessInput({ stdin: null as never }, 'exec options'))).toEqual(anError(ValidationError, { issues: [{ path: 'stdin', message: expect.any(String) }] }));
  });
});
