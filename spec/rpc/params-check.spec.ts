// ParamsCheck, the validateParams gate of Connection.request, on its own: verdicts given to it by
// hand, synchronous or late. How the connection writes after it is spec/rpc/connection.spec.ts.
import { Observable } from 'rxjs';
import { CodexError, ValidationError } from '../../lib/errors.js';
import type { ConnectionOptions, ParamsCheckContext, ParamsVerdict } from '../../lib/rpc/connection-types.js';
import { ParamsCheck } from '../../lib/rpc/params-check.js';
import { anError } from '../support/expectations.js';

const context: ParamsCheckContext = { server: undefined, warn: () => undefined };

/** A deferred verdict: `resolve`/`reject` it later. */
function later() {
  let resolve!: (v: ParamsVerdict) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<ParamsVerdict>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

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

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

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

  it('a late verdict lets the request on when it comes, and the request can cancel meanwhile', async () => {
    const a = later();
    const b = later();
    const { check } = gate({ a: a.promise, b: b.promise });
    const log: string[] = [];
    const first = request(check, 'a', log);
    const second = request(check, 'b', log);
    expect(first.cancel).toEqual(expect.any(Function));
    second.cancel!();
    a.resolve(undefined);
    b.resolve(undefined);
    await settle();
    expect(log).toEqual(['a:ok']);
  });

  it('requests go on in the order they met the gate while a verdict is late, unless they need no order', async () => {
    const slow = later();
    const { check } = gate({ slow: slow.promise, quick: undefined, bad: [{ path: '', message: 'no' }], free: undefined });
    const log: string[] = [];
    request(check, 'slow', log);
    const quick = request(check, 'quick', log);
    const bad = request(check, 'bad', log);
    request(check, 'free', log, false);
    expect(log).toEqual(['free:ok']); // unordered: at once
    expect(quick.cancel).toEqual(expect.any(Function));
    expect(bad.error).toBeUndefined(); // its verdict waits its turn too
    slow.resolve(undefined);
    await settle();
    expect(log).toEqual(['free:ok', 'slow:ok', 'quick:ok']);
    expect(bad.error).toEqual(anError(ValidationError, { subject: 'bad params' }));
  });

  it('a check that fails fails the request: a CodexError as it is, anything else wrapped with its cause', async () => {
    const own = new CodexError('validators unavailable');
    const boom = new Error('chunk failed to load');
    const first = later();
    const second = later();
    const { check } = gate({ a: first.promise, b: second.promise });
    const log: string[] = [];
    const a = request(check, 'a', log);
    const b = request(check, 'b', log);
    first.reject(own);
    second.reject(boom);
    await settle();
    expect(a.error).toBe(own);
    expect(b.error).toEqual(anError(CodexError, { message: 'b params could not be checked: chunk failed to load', cause: boom }));
    expect(log).toEqual([]);
  });
});
