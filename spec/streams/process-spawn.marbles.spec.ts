/**
 * codex.spawn() over the in-memory app-server. Script letters: o output of our process, x output
 * of another one, s answers process/spawn, z delivers process/exited, K kills the app-server.
 * Sent letters: P = process/spawn, X = process/kill, W = process/writeStdin.
 */
import { TransportClosedError, ValidationError } from '../../lib/errors.js';
import type { ProcessEvent } from '../../lib/streams/process-spawn.js';
import { anError, expectIdle } from '../support/expectations';
import { b64, bytes, eachStreamBench, streamBench } from './support.js';

const H = 'h-1';
const CWD = '/work';
const SENT = { P: 'process/spawn', X: 'process/kill', W: 'process/writeStdin' };
const exited = (exitCode: number, processHandle = H) => ({
  processHandle,
  exitCode,
  outputDrainTimedOut: false,
  stdout: '',
  stdoutCapReached: false,
  stderr: '',
  stderrCapReached: false,
});
const n = {
  o: { method: 'process/outputDelta', params: { processHandle: H, stream: 'stdout', deltaBase64: b64('hi\n'), capReached: false } },
  x: { method: 'process/outputDelta', params: { processHandle: 'h-2', stream: 'stdout', deltaBase64: b64('no'), capReached: false } },
  y: { method: 'process/exited', params: exited(0, 'h-2') },
  z: { method: 'process/exited', params: exited(0) },
};
const v: Record<string, ProcessEvent> = {
  o: { type: 'output', stream: 'stdout', bytes: bytes('hi\n'), text: 'hi\n', capReached: false },
  z: { type: 'exit', ...exited(0) },
};

describe('codex.spawn() (marbles)', () => {
  const b = eachStreamBench(() => b.transport.onRequest('process/kill', () => ({})));
  const answerSpawn = () => b.server.respondTo('process/spawn', {});

  it('is cold; emits its output, then the exit, then completes (other processes ignored)', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const spawn$ = b.codex.spawn(['sh', '-c', 'echo hi'], { cwd: CWD, processHandle: H });
      b.serve(hot, '  --s-o-x-y-z', { ...n, s: answerSpawn });
      const sub = '   -^';
      expectObservable(b.sent$(SENT)).toBe('-P', SENT);
      expectObservable(spawn$, sub).toBe('----o-----(z|)', v);
    });
    expect(b.server.paramsOf('process/spawn')).toEqual([{ command: ['sh', '-c', 'echo hi'], cwd: CWD, processHandle: H, streamStdoutStderr: true }]);
    expectIdle(b.codex);
  });

  it('sends process/kill exactly once when unsubscribed while running', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -s-o---z', { ...n, s: answerSpawn });
      const sub = '   ^-----!';
      expectObservable(b.sent$(SENT)).toBe('P-----X', SENT);
      expectObservable(b.codex.spawn(['sleep', '9'], { cwd: CWD, processHandle: H }), sub).toBe('---o--', v);
    });
    expect(b.server.paramsOf('process/kill')).toEqual([{ processHandle: H }]);
    expect(b.warnings).toEqual([]);
  });

  it('waits for the spawn answer before killing when unsubscribed early', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  ----s', { ...n, s: answerSpawn });
      const sub = '   ^-!';
      expectObservable(b.sent$(SENT)).toBe('P---X', SENT);
      expectObservable(b.codex.spawn(['sleep', '9'], { cwd: CWD, processHandle: H }), sub).toBe('---', v);
    });
    expect(b.server.paramsOf('process/kill')).toEqual([{ processHandle: H }]);
  });

  it('sends nothing when unsubscribed after the exit', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -sz', { ...n, s: answerSpawn });
      const sub = '   ^-----!';
      expectObservable(b.sent$(SENT)).toBe('P', SENT);
      expectObservable(b.codex.spawn(['true'], { cwd: CWD, processHandle: H }), sub).toBe('--(z|)', v);
    });
    expect(b.server.paramsOf('process/kill')).toEqual([]);
  });

  it('writes stdin after the spawn was accepted, then closes it', () => {
    b.transport.onRequest('process/writeStdin', () => ({}));
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const stdin = cold<string>('a|', { a: 'in\n' });
      b.serve(hot, '  --s---z', { ...n, s: answerSpawn });
      expectObservable(b.sent$(SENT)).toBe('P-WW', SENT);
      expectObservable(b.codex.spawn(['cat'], { cwd: CWD, processHandle: H, stdin })).toBe('------(z|)', v);
    });
    expect(b.server.paramsOf('process/writeStdin')).toEqual([
      { processHandle: H, deltaBase64: b64('in\n') },
      { processHandle: H, closeStdin: true },
    ]);
  });

  it('errors with TransportClosedError when the app-server dies; reports a failed kill on warnings$', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -s-o-K', { ...n, s: answerSpawn, K: () => b.transport.fail() });
      expectObservable(b.codex.spawn(['sleep', '9'], { cwd: CWD, processHandle: H })).toBe('---o-#', v, anError(TransportClosedError));
    });
    const b2 = streamBench();
    b2.transport.onRequest('process/spawn', () => ({}));
    b2.transport.onRequest('process/kill', () => {
      throw { code: -32600, message: 'no active process' };
    });
    b2.codex.spawn(['sleep', '9'], { cwd: CWD }).subscribe().unsubscribe();
    expect(b2.warnings).toEqual([expect.objectContaining({ kind: 'teardown-failed' })]);
    void b2.codex.close();
  });

  it('fails with ValidationError before anything is sent', () => {
    const errors: unknown[] = [];
    b.codex.spawn(['ls'], { cwd: CWD, maxOutputBytes: 0 }).subscribe({ error: (e) => errors.push(e) });
    b.codex.spawn(['ls'], { cwd: 42 as never }).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([anError(ValidationError), anError(ValidationError)]);
    expect(b.transport.sent).toEqual([]);
  });

  it('refuses a processHandle that is not a non-empty string, before anything is sent', () => {
    const errors: unknown[] = [];
    b.codex.spawn(['ls'], { cwd: CWD, processHandle: '' }).subscribe({ error: (e) => errors.push(e) });
    b.codex.spawn(['ls'], { cwd: CWD, processHandle: 42 as never }).subscribe({ error: (e) => errors.push(e) });
    const issue = { path: 'processHandle', message: 'must be a non-empty string' };
    expect(errors).toEqual([anError(ValidationError, { subject: 'spawn options', issues: [issue] }), anError(ValidationError, { subject: 'spawn options', issues: [issue] })]);
    expect(b.transport.sent).toEqual([]);
  });
});
