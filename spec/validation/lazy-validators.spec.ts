import { firstValueFrom, type Subscription } from 'rxjs';
import { CodexError, TransportClosedError, ValidationError, type ValidationIssue } from '../../lib/errors.js';
import { Connection, type ConnectionOptions, type ParamsVerdict } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';

// Validators load on first use (lib/validation/lazy-validators.ts): in a browser build they are
// chunks of their own. These specs run the client as a page does — no host platform, so nothing
// is preloaded — and prove that the behaviour is the same as with validators loaded up front.

/** What a page imports (from the modules directly: lib/index also holds `validateParams`, which needs the validators). */
interface Lib {
  readonly Codex: typeof import('../../lib/codex.js').Codex;
  readonly InMemoryTransport: typeof InMemoryTransport;
  readonly CodexError: typeof CodexError;
  readonly ValidationError: typeof ValidationError;
}

/** A fresh copy of the client, as a page gets it: validators not loaded, no platform installed. */
function freshLibrary(mock?: () => void): Lib {
  let lib: Lib | undefined;
  jest.isolateModules(() => {
    mock?.();
    const errors = require('../../lib/errors.js') as typeof import('../../lib/errors.js');
    lib = {
      Codex: (require('../../lib/codex.js') as typeof import('../../lib/codex.js')).Codex,
      InMemoryTransport: (require('../../lib/transport/in-memory-transport.js') as typeof import('../../lib/transport/in-memory-transport.js')).InMemoryTransport,
      CodexError: errors.CodexError,
      ValidationError: errors.ValidationError,
    };
  });
  return lib!;
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const methods = (t: InMemoryTransport) => t.sent.map((m) => m.method ?? `answer ${String(m.id)}`);

/** Records what an Observable did, synchronously visible. */
function record(observable: import('rxjs').Observable<unknown>) {
  const r = { values: [] as unknown[], error: undefined as unknown, done: false, subscription: undefined as Subscription | undefined };
  r.subscription = observable.subscribe({ next: (v) => r.values.push(v), error: (e) => (r.error = e), complete: () => (r.done = true) });
  return r;
}

describe('validators loaded on first use (a page: no platform preloads them)', () => {
  afterEach(() => jest.dontMock('../../lib/validation/params-validator'));

  it('invalid params on the very first call: ValidationError after the load, nothing sent', async () => {
    const lib = freshLibrary();
    const transport = new lib.InMemoryTransport();
    const codex = new lib.Codex({ transport });
    const r = record(codex.request('model/list', { limit: -1 }));
    expect(r.error).toBeUndefined(); // the validators are loading: nothing decided yet…
    expect(transport.started).toBe(false); // …and nothing started
    await flush();
    expect(lib.ValidationError.is(r.error)).toBe(true);
    expect((r.error as ValidationError).issues).toEqual([{ path: 'limit', message: 'must be >= 0' }]);
    expect(transport.sent).toEqual([]);
    expect(transport.started).toBe(false);
    await codex.close();
  });

  it('requests subscribed while the validators load are sent in subscription order; an invalid one among them sends nothing', async () => {
    const lib = freshLibrary();
    const transport = new lib.InMemoryTransport();
    transport.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    transport.onRequest('thread/list', () => ({ data: [], nextCursor: null }));
    transport.onRequest('account/read', () => ({ account: null, requiresOpenaiAuth: false }));
    const codex = new lib.Codex({ transport });
    const a = record(codex.request('thread/list', {}));
    const bad = record(codex.request('turn/start', { threadId: 7 } as never));
    const b = record(codex.request('model/list', {}));
    const c = record(codex.request('account/read', {}));
    expect(transport.sent).toEqual([]);
    await flush();
    expect(methods(transport)).toEqual(['initialize', 'initialized', 'thread/list', 'model/list', 'account/read']);
    expect([a.done, b.done, c.done]).toEqual([true, true, true]);
    expect(lib.ValidationError.is(bad.error)).toBe(true);
    await codex.close();
  });

  it('a request unsubscribed while the validators load sends nothing', async () => {
    const lib = freshLibrary();
    const transport = new lib.InMemoryTransport();
    transport.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    const codex = new lib.Codex({ transport });
    const dropped = record(codex.request('thread/list', {}));
    dropped.subscription!.unsubscribe();
    const kept = record(codex.request('model/list', {}));
    await flush();
    expect(methods(transport)).toEqual(['initialize', 'initialized', 'model/list']);
    expect(kept.done).toBe(true);
    expect(dropped.values).toEqual([]);
    expect(dropped.error).toBeUndefined();
    await codex.close();
  });

  it('once loaded, validation is synchronous again: an error at subscribe, a valid request written at once', async () => {
    const lib = freshLibrary();
    const transport = new lib.InMemoryTransport();
    transport.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    const codex = new lib.Codex({ transport });
    await firstValueFrom(codex.request('model/list', {})); // loads the validators
    const bad = record(codex.request('model/list', { limit: -1 }));
    expect(lib.ValidationError.is(bad.error)).toBe(true); // no await in between
    expect((bad.error as ValidationError).issues).toEqual([{ path: 'limit', message: 'must be >= 0' }]);
    transport.clearSent();
    const good = record(codex.request('model/list', {}));
    expect(methods(transport)).toEqual(['model/list']);
    expect(good.done).toBe(true);
    await codex.close();
  });

  it('a chunk that fails to load errors that request with a CodexError saying so, sends nothing, and the next call tries again', async () => {
    let attempts = 0;
    const lib = freshLibrary(() =>
      jest.doMock('../../lib/validation/params-validator', () => {
        if (++attempts === 1) throw new Error('Failed to fetch dynamically imported module: /chunk-params-validator.js (404)');
        return jest.requireActual('../../lib/validation/params-validator');
      }),
    );
    const transport = new lib.InMemoryTransport();
    transport.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    const codex = new lib.Codex({ transport });
    const failed = record(codex.request('model/list', {}));
    await flush();
    expect(lib.CodexError.is(failed.error)).toBe(true);
    expect(lib.ValidationError.is(failed.error)).toBe(false);
    expect((failed.error as Error).message).toMatch(/could not load its params validators \(a chunk loaded on first use\): Failed to fetch .*404/);
    expect(transport.sent).toEqual([]);

    const retried = record(codex.request('model/list', { limit: -1 }));
    await flush();
    expect(attempts).toBe(2);
    expect(lib.ValidationError.is(retried.error)).toBe(true); // validated by the loaded chunk
    expect(await firstValueFrom(codex.request('model/list', {}))).toEqual({ data: [], nextCursor: null });
    await codex.close();
  });

  it('validateInbound: drift found while its chunk loads is reported once it is in', async () => {
    const lib = freshLibrary();
    const transport = new lib.InMemoryTransport();
    const codex = new lib.Codex({ transport, validateInbound: true });
    const warnings: string[] = [];
    codex.warnings$.subscribe((w) => warnings.push(`${w.kind}: ${w.message}`));
    await firstValueFrom(codex.connect());
    transport.notify('item/agentMessage/delta', { threadId: 't', turnId: 'u', itemId: 'i', delta: 42 });
    await flush();
    expect(warnings).toEqual(['schema-drift: notification item/agentMessage/delta does not match the protocol schema: delta must be a string']);
    await codex.close();
  });

  it('outputSchema: its check loads on first use; a schema that cannot be compiled still fails before anything is sent', async () => {
    const lib = freshLibrary();
    const transport = new lib.InMemoryTransport();
    const codex = new lib.Codex({ transport });
    const r = record(codex.thread().run('hi', { outputSchema: { type: 'strnig' } as never }));
    await flush();
    expect(lib.ValidationError.is(r.error)).toBe(true);
    expect((r.error as Error).message).toMatch(/^outputSchema: is not a usable JSON Schema/);
    expect(transport.sent).toEqual([]);
    await codex.close();
  });
});

describe('the testing kit', () => {
  it('FakeAppServer clients validate synchronously from the first call, also where nothing preloads the validators (marble tests have no room for a chunk load)', () => {
    let kit: typeof import('../../lib/testing/fake-app-server.js') | undefined;
    let errors: typeof import('../../lib/errors.js') | undefined;
    jest.isolateModules(() => {
      kit = require('../../lib/testing/fake-app-server.js');
      errors = require('../../lib/errors.js');
    });
    const server = new kit!.FakeAppServer();
    const codex = server.createClient();
    const bad = record(codex.request('model/list', { limit: -1 }));
    expect(errors!.ValidationError.is(bad.error)).toBe(true);
    expect(server.transport.sent).toEqual([]);
    const good = record(codex.request('model/list', {}));
    expect(server.transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'model/list']);
    expect(good.done).toBe(true);
  });
});

describe('no process-wide state', () => {
  it('a FakeAppServer changes nothing for the other clients of the process: a plain Codex still loads its validators on first use', async () => {
    let kit: typeof import('../../lib/testing/fake-app-server.js') | undefined;
    let lib: Lib | undefined;
    jest.isolateModules(() => {
      kit = require('../../lib/testing/fake-app-server.js');
      const errors = require('../../lib/errors.js') as typeof import('../../lib/errors.js');
      lib = {
        Codex: (require('../../lib/codex.js') as typeof import('../../lib/codex.js')).Codex,
        InMemoryTransport: (require('../../lib/transport/in-memory-transport.js') as typeof import('../../lib/transport/in-memory-transport.js')).InMemoryTransport,
        CodexError: errors.CodexError,
        ValidationError: errors.ValidationError,
      };
    });
    const server = new kit!.FakeAppServer();
    const kitClient = server.createClient();
    expect(lib!.ValidationError.is(record(kitClient.request('model/list', { limit: -1 })).error)).toBe(true); // the kit's client: at once

    const transport = new lib!.InMemoryTransport();
    const other = new lib!.Codex({ transport });
    const bad = record(other.request('model/list', { limit: -1 }));
    expect(bad.error).toBeUndefined(); // not decided at once: this client's validators are still loading
    await flush();
    expect(lib!.ValidationError.is(bad.error)).toBe(true);
    expect(transport.sent).toEqual([]);
    await other.close();
  });
});

describe('Connection: a params check that answers with a Promise', () => {
  const clientInfo = { name: 'codex-rx-spec', title: 'codex-rx spec', version: '0.0.0' };

  /** A promise settled from outside. */
  function deferred<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  }

  /** A connection whose check answers with whatever `answers[method]` holds (a value or a Promise). */
  async function connected(answers: Record<string, ParamsVerdict | Promise<ParamsVerdict>>, options: Partial<ConnectionOptions> = {}) {
    const transport = new InMemoryTransport();
    for (const m of ['a/one', 'b/two', 'c/three']) transport.onRequest(m, () => m);
    const connection = new Connection(transport, { clientInfo, validateParams: (method) => answers[method], ...options });
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
    expect(methods(transport)).toEqual([]);
    check.resolve(undefined);
    await flush();
    expect(methods(transport)).toEqual(['a/one', 'b/two']);
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
    expect(methods(transport)).toEqual([]);
    first.resolve(undefined);
    await flush();
    expect(methods(transport)).toEqual(['a/one', 'b/two']);
  });

  it('unsubscribing while the check runs sends nothing and no longer holds the requests behind it', async () => {
    const never = deferred<ParamsVerdict>();
    const { transport, connection } = await connected({ 'a/one': never.promise, 'b/two': undefined });
    const a = request(connection, 'a/one');
    request(connection, 'b/two');
    a.subscription!.unsubscribe();
    expect(methods(transport)).toEqual(['b/two']);
    never.resolve(undefined);
    await flush();
    expect(methods(transport)).toEqual(['b/two']);
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
    const transport = new InMemoryTransport();
    for (const m of ['a/one', 'b/two']) transport.onRequest(m, () => m);
    const answers: Record<string, unknown> = { 'a/one': check.promise, 'b/two': undefined };
    const connection = new Connection(transport, { clientInfo, validateParams: (method) => answers[method] as ParamsVerdict });
    request(connection, 'a/one');
    request(connection, 'b/two');
    expect(transport.started).toBe(false);
    check.resolve(undefined);
    await flush();
    expect(methods(transport)).toEqual(['initialize', 'initialized', 'a/one', 'b/two']);
  });
});
