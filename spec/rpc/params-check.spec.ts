// ParamsCheck, the validateParams gate of Connection.request: first on its own, with verdicts
// given by hand; then as the connection runs it when the check answers with a Promise (validators
// still loading; moved from spec/validation/lazy-validators.spec.ts).
import { firstValueFrom, Observable } from 'rxjs';
import { CodexError, TransportClosedError, ValidationError, type ValidationIssue } from '../../lib/errors.js';
import type { Connection, ConnectionOptions, ParamsCheckContext, ParamsVerdict } from '../../lib/rpc/connection.js';
import { ParamsCheck } from '../../lib/rpc/params-check.js';
import type { SentMessage } from '../../lib/transport/in-memory-transport.js';
import { anError } from '../support/expectations.js';
import { deferred, flush, record } from '../support/settle.js';
import { setup } from './support.js';

const context: ParamsCheckContext = { server: undefined, warn: () => undefined };

/** The methods of the requests written. */
const methods = (sent: readonly SentMessage[]) => sent.map((m) => m.method);

/** A gate whose check answers from `verdicts` by method; `ready` says whether the handshake passed. */
function gate(verdicts: Record<string, ParamsVerdict | PromiseLike<ParamsVerdict>> | undefined, ready = false) {
  const state = { ready };
  const validate: ConnectionOptions['validateParams'] = verdicts && jest.fn((method: string) => verdicts[method]);
  return { check: new ParamsCheck(validate, context, () => state.ready), validate, state };
}

/** What one request met at the gate: the verdicts handed to `next` (in `log`), or the error. */
function request(check: ParamsCheck, method: string, log: string[], ordered = true) {
  const seen: { error?: unknown; cancel?: () => void } = {};
  new Observable<unknown>((subscriber) => {
    seen.cancel = check.run(method, { p: method }, subscriber, (verdict) => log.push(`${method}:${verdict}`), ordered);
  }).subscribe({ error: (e) => (seen.error = e) });
  return seen;
}

describe('ParamsCheck', () => {
  it('without a check, every request goes on at once', () => {
    const { check } = gate(undefined);
    const log: string[] = [];
    expect(request(check, 'model/list', log)).toEqual({ cancel: undefined });
    expect(log).toEqual(['model/list:ok']);
  });

  it('hands the check the method, the params and the context', () => {
    const { check, validate } = gate({ 'model/list': undefined });
    request(check, 'model/list', []);
    expect(validate).toHaveBeenCalledWith('model/list', { p: 'model/list' }, context);
  });

  it('no issues (undefined or an empty list) lets the request on; issues fail it with ValidationError', () => {
    const issues = [{ path: 'cwd', message: 'must be a string' }];
    const { check } = gate({ a: undefined, b: [], c: issues });
    const log: string[] = [];
    expect(request(check, 'a', log).error).toBeUndefined();
    expect(request(check, 'b', log).error).toBeUndefined();
    const failed = request(check, 'c', log);
    expect(failed.error).toEqual(anError(ValidationError, { subject: 'c params', issues }));
    expect(log).toEqual(['a:ok', 'b:ok']);
  });

  it("'after-handshake' waits for the handshake; after it, the check could not decide and the request fails", () => {
    const { check, state } = gate({ 'x/new': 'after-handshake' });
    const log: string[] = [];
    expect(request(check, 'x/new', log).error).toBeUndefined();
    expect(log).toEqual(['x/new:after-handshake']);
    state.ready = true;
    expect(request(check, 'x/new', log).error).toEqual(anError(ValidationError, { subject: 'x/new params', issues: [{ path: '', message: 'could not be checked against the server' }] }));
    expect(log).toEqual(['x/new:after-handshake']);
  });

  it('while a verdict is late, a synchronous one waits its turn (issues too), unless its request needs no order', async () => {
    const slow = deferred<ParamsVerdict>();
    const { check } = gate({ slow: slow.promise, quick: undefined, bad: [{ path: '', message: 'no' }], free: undefined });
    const log: string[] = [];
    request(check, 'slow', log);
    const quick = request(check, 'quick', log);
    const bad = request(check, 'bad', log);
    request(check, 'free', log, false);
    expect(log).toEqual(['free:ok']); // unordered: at once
    expect(quick.cancel).toEqual(expect.any(Function));
    expect(bad.error).toBeUndefined();
    slow.resolve(undefined);
    await flush();
    expect(log).toEqual(['free:ok', 'slow:ok', 'quick:ok']);
    expect(bad.error).toEqual(anError(ValidationError, { subject: 'bad params' }));
  });
});

describe('Connection: a params check that answers with a Promise', () => {
  /** A connection whose check answers with whatever `answers[method]` holds (a value or a Promise). */
  async function connected(answers: Record<string, ParamsVerdict | Promise<ParamsVerdict>>, options: Partial<ConnectionOptions> = {}) {
    const { transport, connection } = setup({ validateParams: (method) => answers[method], ...options });
    for (const m of ['a/one', 'b/two', 'c/three']) transport.onRequest(m, () => m);
    await firstValueFrom(connection.connect());
    transport.clearSent();
    return { transport, connection };
  }

  const request = (c: Connection, method: string) => record(c.request(method as never, {} as never));

  it('a later request answered at once still waits for an earlier one that is being checked', async () => {
    const check = deferred<ParamsVerdict>();
    const { transport, connection } = await connected({ 'a/one': check.promise, 'b/two': undefined });
    const a = request(connection, 'a/one');
    const b = request(connection, 'b/two');
    expect(methods(transport.sent)).toEqual([]);
    check.resolve(undefined);
    await flush();
    expect(methods(transport.sent)).toEqual(['a/one', 'b/two']);
    expect([a.values, b.values]).toEqual([['a/one'], ['b/two']]);
  });

  it('checks that finish out of order still send in subscription order', async () => {
    const first = deferred<ParamsVerdict>();
    const second = deferred<ParamsVerdict>();
    const { transport, connection } = await connected({ 'a/one': first.promise, 'b/two': second.promise });
    request(connection, 'a/one');
    request(connection, 'b/two');
    second.resolve([]);
    await flush();
    expect(methods(transport.sent)).toEqual([]);
    first.resolve(undefined);
    await flush();
    expect(methods(transport.sent)).toEqual(['a/one', 'b/two']);
  });

  it('unsubscribing while the check runs sends nothing and no longer holds the requests behind it', async () => {
    const never = deferred<ParamsVerdict>();
    const { transport, connection } = await connected({ 'a/one': never.promise, 'b/two': undefined });
    const a = request(connection, 'a/one');
    request(connection, 'b/two');
    a.subscription!.unsubscribe();
    expect(methods(transport.sent)).toEqual(['b/two']);
    never.resolve(undefined);
    await flush();
    expect(methods(transport.sent)).toEqual(['b/two']);
  });

  it('issues from a Promise fail the request with ValidationError; a rejected check with a CodexError; nothing is sent', async () => {
    const issues: ValidationIssue[] = [{ path: 'x', message: 'must be a string' }];
    const { transport, connection } = await connected({
      'a/one': Promise.resolve(issues),
      'b/two': Promise.reject(new Error('chunk 404')),
      'c/three': Promise.reject(new CodexError('could not load its params validators')),
    });
    const a = request(connection, 'a/one');
    const b = request(connection, 'b/two');
    const c = request(connection, 'c/three');
    await flush();
    expect(ValidationError.is(a.error)).toBe(true);
    expect((a.error as ValidationError).issues).toEqual(issues);
    expect(CodexError.is(b.error)).toBe(true);
    expect((b.error as Error).message).toBe('b/two params could not be checked: chunk 404');
    expect((b.error as Error).cause).toEqual(new Error('chunk 404'));
    expect((c.error as Error).message).toBe('could not load its params validators'); // a CodexError passes as is
    expect(transport.sent).toEqual([]);
  });

  it('a connection closed while a check runs errors the request when the check settles (no hang, nothing sent)', async () => {
    const check = deferred<ParamsVerdict>();
    const { transport, connection } = await connected({ 'a/one': check.promise });
    const a = request(connection, 'a/one');
    await connection.close();
    check.resolve(undefined);
    await flush();
    expect(TransportClosedError.is(a.error)).toBe(true);
    expect(transport.sent).toEqual([]);
  });

  it('before the handshake: the check runs first, then the connection starts, in order', async () => {
    const check = deferred<ParamsVerdict>();
    const answers: Record<string, unknown> = { 'a/one': check.promise, 'b/two': undefined };
    const { transport, connection } = setup({ validateParams: (method) => answers[method] as ParamsVerdict });
    for (const m of ['a/one', 'b/two']) transport.onRequest(m, () => m);
    request(connection, 'a/one');
    request(connection, 'b/two');
    expect(transport.started).toBe(false);
    check.resolve(undefined);
    await flush();
    expect(methods(transport.sent)).toEqual(['initialize', 'initialized', 'a/one', 'b/two']);
  });
});
