import { firstValueFrom } from 'rxjs';
import { CodexError, ValidationError } from '../../lib/errors.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { pageLibrary } from '../support/page-library.js';
import { flush, record } from '../support/settle.js';

// Validators load on first use (lib/validation/lazy-validators.ts): in a browser build they are
// chunks of their own. These specs run the client as a page does — no host platform, so nothing
// is preloaded — and prove that the behaviour is the same as with validators loaded up front.

const methods = (t: InMemoryTransport) => t.sent.map((m) => m.method ?? `answer ${String(m.id)}`);

describe('validators loaded on first use (a page: no platform preloads them)', () => {
  afterEach(() => jest.dontMock('../../lib/validation/params-validator'));

  it('invalid params on the very first call: ValidationError after the load, nothing sent', async () => {
    const lib = pageLibrary();
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
    const lib = pageLibrary();
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
    const lib = pageLibrary();
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
    const lib = pageLibrary();
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
    const lib = pageLibrary({
      mock: () =>
        jest.doMock('../../lib/validation/params-validator', () => {
          if (++attempts === 1) throw new Error('Failed to fetch dynamically imported module: /chunk-params-validator.js (404)');
          return jest.requireActual('../../lib/validation/params-validator');
        }),
    });
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
    const lib = pageLibrary();
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
    const lib = pageLibrary();
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
    const lib = pageLibrary({ kit: true });
    const server = new lib.FakeAppServer!();
    const kitClient = server.createClient();
    expect(lib.ValidationError.is(record(kitClient.request('model/list', { limit: -1 })).error)).toBe(true); // the kit's client: at once

    const transport = new lib.InMemoryTransport();
    const other = new lib.Codex({ transport });
    const bad = record(other.request('model/list', { limit: -1 }));
    expect(bad.error).toBeUndefined(); // not decided at once: this client's validators are still loading
    await flush();
    expect(lib.ValidationError.is(bad.error)).toBe(true);
    expect(transport.sent).toEqual([]);
    await other.close();
  });
});
