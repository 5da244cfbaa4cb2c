/**
 * codex.exec() over the in-memory app-server. Script letters: o/e deliver output of our process,
 * x output of another process, r answers command/exec (the exit), K kills the app-server.
 * Sent letters: X = command/exec, T = command/exec/terminate, W = command/exec/write,
 * Z = command/exec/resize.
 */
import { of } from 'rxjs';
import { TransportClosedError, ValidationError, InvalidRequestError } from '../../lib/errors.js';
import { OutputLimitExceededError } from '../../lib/streams/output-chunk.js';
import type { CommandEvent } from '../../lib/streams/command-exec.js';
import { anError, expectIdle } from '../support/expectations';
import { b64, bytes, eachStreamBench } from './support.js';

const PID = 'p-1';
const SENT = { X: 'command/exec', T: 'command/exec/terminate', W: 'command/exec/write', Z: 'command/exec/resize' };
const delta = (stream: 'stdout' | 'stderr', text: string, processId = PID, capReached = false) => ({
  method: 'command/exec/outputDelta',
  params: { processId, stream, deltaBase64: b64(text), capReached },
});
const exitOf = (exitCode = 0) => ({ exitCode, stdout: '', stderr: '' });

const n = { o: delta('stdout', 'hello\n'), e: delta('stderr', 'oops\n'), x: delta('stdout', 'not mine', 'p-2') };
const v: Record<string, CommandEvent> = {
  o: { type: 'output', stream: 'stdout', bytes: bytes('hello\n'), text: 'hello\n', capReached: false },
  e: { type: 'output', stream: 'stderr', bytes: bytes('oops\n'), text: 'oops\n', capReached: false },
  z: { type: 'exit', exitCode: 0, stdout: '', stderr: '' },
  k: { type: 'exit', exitCode: 137, stdout: '', stderr: '' },
};

describe('codex.exec() (marbles)', () => {
  const b = eachStreamBench(() => b.transport.onRequest('command/exec/terminate', () => ({})));

  it('is cold; emits the output chunks of its process, then the exit, then completes', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const exec$ = b.codex.exec(['sh', '-c', 'echo hello'], { processId: PID });
      b.serve(hot, '  ---o-x-e-r', { ...n, r: () => b.server.respondTo('command/exec', exitOf(0)) });
      const sub = '   --^';
      const expected = '---o---e-(z|)';
      expectObservable(b.sent$(SENT)).toBe('--X', SENT);
      expectObservable(exec$, sub).toBe(expected, v);
    });
    expect(b.server.paramsOf('command/exec')).toEqual([{ command: ['sh', '-c', 'echo hello'], processId: PID, streamStdoutStderr: true }]);
    expect(b.warnings).toEqual([]);
    expectIdle(b.codex);
    expect(b.transport.keepingAlive).toBe(false); // nothing left listening: the host process may exit
  });

  it('sends command/exec/terminate exactly once when unsubscribed before the exit; the late exit answer is no warning', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -o----r', { ...n, r: () => b.server.respondTo('command/exec', exitOf(137)) });
      const sub = '   ^--!';
      expectObservable(b.sent$(SENT)).toBe('X--T', SENT);
      expectObservable(b.codex.exec(['sleep', '30'], { processId: PID }), sub).toBe('-o-', v);
    });
    expect(b.server.paramsOf('command/exec/terminate')).toEqual([{ processId: PID }]);
    expect(b.warnings).toEqual([]);
    expectIdle(b.codex);
  });

  it('sends nothing when unsubscribed after the exit', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r', { r: () => b.server.respondTo('command/exec', exitOf(0)) });
      const sub = '   ^----!';
      expectObservable(b.sent$(SENT)).toBe('X', SENT);
      expectObservable(b.codex.exec(['true'], { processId: PID }), sub).toBe('-(z|)', v);
    });
    expect(b.server.paramsOf('command/exec/terminate')).toEqual([]);
  });

  it('chooses a fresh processId per subscription when none is given', () => {
    const exec$ = b.codex.exec(['true']);
    exec$.subscribe().unsubscribe();
    exec$.subscribe().unsubscribe();
    const ids = b.server.paramsOf('command/exec').map((p) => (p as { processId: string }).processId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toEqual(ids[1]);
    expect(b.server.paramsOf('command/exec/terminate')).toEqual(ids.map((processId) => ({ processId })));
  });

  it('writes stdin in order, closes it when the input completes, and resizes the PTY', () => {
    b.transport.onRequest('command/exec/write', () => ({}));
    b.transport.onRequest('command/exec/resize', () => ({}));
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const stdin = cold<string | Uint8Array>('-a-b|', { a: 'ls\n', b: bytes('exit\n') });
      const resize = cold('--s', { s: { rows: 40, cols: 120 } });
      b.serve(hot, '  ------r', { r: () => b.server.respondTo('command/exec', exitOf(0)) });
      expectObservable(b.sent$(SENT)).toBe('XWZWW', SENT);
      expectObservable(b.codex.exec(['sh'], { processId: PID, tty: true, stdin, resize })).toBe('------(z|)', v);
    });
    expect(b.server.paramsOf('command/exec')[0]).toEqual({ command: ['sh'], processId: PID, tty: true, streamStdoutStderr: true, streamStdin: true });
    expect(b.server.paramsOf('command/exec/write')).toEqual([
      { processId: PID, deltaBase64: b64('ls\n') },
      { processId: PID, deltaBase64: b64('exit\n') },
      { processId: PID, closeStdin: true },
    ]);
    expect(b.server.paramsOf('command/exec/resize')).toEqual([{ processId: PID, size: { rows: 40, cols: 120 } }]);
  });

  it('errors with OutputLimitExceededError past maxOutputBytes and terminates the command once', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -o-o---r', { ...n, r: () => b.server.respondTo('command/exec', exitOf(137)) });
      expectObservable(b.sent$(SENT)).toBe('X--T', SENT);
      expectObservable(b.codex.exec(['yes'], { processId: PID, maxOutputBytes: 10 })).toBe('-o-#', v, anError(OutputLimitExceededError, { maxOutputBytes: 10 }));
    });
    expect(b.server.paramsOf('command/exec/terminate')).toEqual([{ processId: PID }]);
    expectIdle(b.codex);
  });

  it('errors every live command with TransportClosedError when the app-server dies', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -o-K', { ...n, K: () => b.transport.fail() });
      expectObservable(b.codex.exec(['sleep', '9'], { processId: PID })).toBe('-o-#', v, anError(TransportClosedError, { exitCode: 1 }));
      expectObservable(b.codex.exec(['sleep', '9'], { processId: 'p-2' })).toBe('---#', v, anError(TransportClosedError));
    });
  });

  it('errors with TransportClosedError when the client closes, and sends no terminate', async () => {
    const errors: unknown[] = [];
    b.codex.exec(['sleep', '9'], { processId: PID }).subscribe({ error: (e) => errors.push(e) });
    await b.codex.close();
    expect(errors).toEqual([anError(TransportClosedError)]);
    expect(b.server.paramsOf('command/exec/terminate')).toEqual([]);
  });

  it('reports a failed terminate on warnings$, never to the user', () => {
    b.transport.onRequest('command/exec/terminate', () => {
      throw { code: -32600, message: 'no active command/exec for process id "p-1"' };
    });
    const events: unknown[] = [];
    const sub = b.codex.exec(['sleep', '9'], { processId: PID }).subscribe({ next: (e) => events.push(e), error: (e) => events.push(e) });
    sub.unsubscribe();
    expect(events).toEqual([]);
    expect(b.warnings).toEqual([expect.objectContaining({ kind: 'teardown-failed', message: expect.stringContaining('command/exec/terminate') })]);
  });

  it('maps a failed command/exec to its JsonRpcError and sends no terminate', () => {
    b.transport.onRequest('command/exec', () => {
      throw { code: -32600, message: 'bad cwd' };
    });
    const errors: unknown[] = [];
    b.codex.exec(['ls'], { processId: PID }).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([anError(InvalidRequestError)]);
    expect(b.server.paramsOf('command/exec/terminate')).toEqual([]);
  });

  it.each([
    ['a command that is not an array', () => b.codex.exec('ls' as never)],
    ['stdin that is not an Observable', () => b.codex.exec(['cat'], { stdin: 'text' as never })],
    ['a bad maxOutputBytes', () => b.codex.exec(['cat'], { maxOutputBytes: -1 })],
    ['an empty processId', () => b.codex.exec(['cat'], { processId: '' })],
  ])('fails with ValidationError before anything is sent: %s', (_, make) => {
    const errors: unknown[] = [];
    make().subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([anError(ValidationError)]);
    expect(b.transport.sent).toEqual([]);
  });

  it('fails with ValidationError on a stdin chunk that is not text or bytes, and terminates', () => {
    b.transport.onRequest('command/exec/write', () => ({}));
    const errors: unknown[] = [];
    b.codex.exec(['cat'], { processId: PID, stdin: of(42) as never }).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([anError(ValidationError)]);
    expect(b.server.paramsOf('command/exec/terminate')).toEqual([{ processId: PID }]);
  });
});
