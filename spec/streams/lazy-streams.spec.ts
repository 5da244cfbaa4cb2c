import { pageLibrary } from '../support/page-library.js';
import { flush, record } from '../support/settle.js';

// The streams load on first use (lib/streams/lazy-streams.ts): in a browser build they are a
// chunk of their own. Here the client runs as a page does: fresh modules, nothing preloaded.

const searchAnswer = { data: [], nextCursor: null, backwardsCursor: null };

describe('streams loaded on first use (a page: no platform hands them over)', () => {
  afterEach(() => jest.dontMock('../../lib/streams/all-streams'));

  it('the first stream waits for its chunk, then runs as usual; once loaded, streams are built at once', async () => {
    const lib = pageLibrary();
    const transport = new lib.InMemoryTransport();
    transport.onRequest('thread/search/stream', () => searchAnswer);
    const codex = new lib.Codex({ transport });
    await new Promise<void>((resolve) => codex.connect().subscribe({ complete: resolve }));
    transport.clearSent();
    const first = record(codex.threadSearch('needle'));
    expect(transport.sent).toEqual([]); // the chunk is loading
    await flush();
    expect(transport.sent.map((m) => m.method)).toEqual(['thread/search/stream']);
    transport.clearSent();
    const second = record(codex.threadSearch('needle'));
    expect(transport.sent.map((m) => m.method)).toEqual(['thread/search/stream']); // no wait
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    await codex.close();
  });

  it('a stream unsubscribed while its chunk loads sends nothing', async () => {
    const lib = pageLibrary();
    const transport = new lib.InMemoryTransport();
    const codex = new lib.Codex({ transport });
    record(codex.watch('/tmp')).subscription!.unsubscribe();
    await flush();
    expect(transport.sent).toEqual([]);
    await codex.close();
  });

  it('a chunk that fails to load errors that stream with a CodexError saying so, sends nothing, and the next use tries again', async () => {
    let attempts = 0;
    const lib = pageLibrary({
      mock: () =>
        jest.doMock('../../lib/streams/all-streams', () => {
          if (++attempts === 1) throw new Error('Failed to fetch dynamically imported module: /chunk-all-streams.js (404)');
          return jest.requireActual('../../lib/streams/all-streams');
        }),
    });
    const transport = new lib.InMemoryTransport();
    transport.onRequest('thread/search/stream', () => searchAnswer);
    const codex = new lib.Codex({ transport });
    const failed = record(codex.threadSearch('needle'));
    await flush();
    expect(lib.CodexError.is(failed.error)).toBe(true);
    expect((failed.error as Error).message).toMatch(/^codex-rx could not load its stream helpers \(a chunk loaded on first use\): Failed to fetch .*404/);
    expect(transport.sent).toEqual([]);
    const retried = record(codex.threadSearch('needle'));
    await flush();
    expect(attempts).toBe(2);
    expect(retried.error).toBeUndefined();
    expect(transport.sent.map((m) => m.method)).toContain('thread/search/stream');
    await codex.close();
  });

  it('fileSearch keeps the latest query typed while its chunk loads', async () => {
    const lib = pageLibrary();
    const transport = new lib.InMemoryTransport();
    transport.onRequest('fuzzyFileSearch/sessionStart', () => ({}));
    transport.onRequest('fuzzyFileSearch/sessionUpdate', () => ({}));
    const codex = new lib.Codex({ transport });
    const { Subject } = await import('rxjs');
    const queries = new Subject<string>();
    const r = record(queries.pipe(codex.fileSearch(['/repo'])));
    queries.next('a');
    queries.next('ab'); // both while the chunk loads
    await flush();
    const updates = transport.sent.filter((m) => m.method === 'fuzzyFileSearch/sessionUpdate').map((m) => (m.params as { query: string }).query);
    expect(updates).toEqual(['ab']);
    expect(r.error).toBeUndefined();
    r.subscription!.unsubscribe();
    await codex.close();
  });

  it("the testing kit's clients build streams at once (virtual time has no room for a chunk load); a plain client beside them still loads", async () => {
    const lib = pageLibrary({ kit: true });
    const server = new lib.FakeAppServer!();
    server.handle('thread/search/stream', () => searchAnswer as never);
    const kitClient = server.createClient();
    record(kitClient.threadSearch('needle'));
    expect(server.transport.sent.map((m) => m.method)).toContain('thread/search/stream');
    const transport = new lib.InMemoryTransport();
    const other = new lib.Codex({ transport });
    await new Promise<void>((resolve) => other.connect().subscribe({ complete: resolve }));
    transport.clearSent();
    record(other.threadSearch('needle'));
    expect(transport.sent).toEqual([]);
    await other.close();
    await kitClient.close();
  });
});
