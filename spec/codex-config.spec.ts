import { Codex as CoreCodex } from '../lib/codex.js';
import { checkCodexConfig, type CodexClientOptions, type CodexConfig } from '../lib/codex-config.js';
import { CodexError, ValidationError } from '../lib/errors.js';
import { Codex } from '../lib/node/index.js';
import { InMemoryTransport } from '../lib/transport/in-memory-transport.js';
import { thrown } from './support/thrown.js';

describe('CodexConfig', () => {
  it('reports an unknown key instead of ignoring it, with the option it most likely meant', () => {
    const e = thrown(() => new Codex({ ulr: 'ws://127.0.0.1:1' } as never));
    expect(ValidationError.is(e)).toBe(true);
    expect(e.issues).toEqual([{ path: 'ulr', message: expect.stringContaining('is not a CodexConfig option') }]);
    expect(e.message).toContain('ulr');
    expect(e.message).toMatch(/did you mean url\?/);
  });

  it('suggests the right key for a wrong case and for a swap of two letters', () => {
    expect(thrown(() => checkCodexConfig({ codexbin: 'x' })).message).toContain('did you mean codexBin?');
    expect(thrown(() => checkCodexConfig({ transprot: 'x' })).message).toContain('did you mean transport?');
    expect(thrown(() => checkCodexConfig({ somethingElse: 1 })).message).not.toContain('did you mean');
  });

  it('lists every unknown key at once', () => {
    const e = thrown(() => checkCodexConfig({ a1: 1, clientName: 'x', b2: 2 }));
    expect(e.issues.map((i: { path: string }) => i.path)).toEqual(['a1', 'b2']);
  });

  it('token: a non-empty string or a function (called per connection attempt); anything else is refused', () => {
    expect(() => checkCodexConfig({ url: 'ws://127.0.0.1:1', token: () => 'fresh-token' })).not.toThrow();
    expect(() => checkCodexConfig({ url: 'ws://127.0.0.1:1', token: async () => 'fresh-token' })).not.toThrow();
    for (const bad of ['', 42, {}]) {
      const e = thrown(() => checkCodexConfig({ url: 'ws://127.0.0.1:1', token: bad }));
      expect(e.issues).toEqual([{ path: 'token', message: 'must be a non-empty string or a function returning one' }]);
    }
  });

  it('rejects a config that is not an object', () => {
    for (const bad of [null, 'ws://x', 42, []]) expect(ValidationError.is(thrown(() => new Codex(bad as never)))).toBe(true);
  });

  it('accepts every documented key of each kind of config (no I/O happens at construction)', () => {
    const transport = new InMemoryTransport();
    const client: CodexClientOptions = {
      clientName: 'n',
      clientTitle: 't',
      clientVersion: '1',
      experimentalApi: true,
      optOutNotificationMethods: [],
      serverRequestHandler: () => undefined,
      approvalTimeoutMs: 10,
      requestTimeoutMs: 10,
      maxBufferedPerThread: 10,
      maxPendingServerRequests: 10,
      secrets: [],
      redact: (t) => t,
      validate: true,
      validateInbound: false,
    };
    const viaTransport = new Codex({ ...client, transport });
    const spawning = new Codex({
      ...client,
      codexBin: '/nonexistent',
      launchArgsOverride: [],
      configOverrides: {},
      cwd: '/',
      env: {},
      maxLineBytes: 1,
      stderrTailChars: 1,
      maxPendingWriteBytes: 1,
      closeGraceMs: 1,
    });
    const remote = new Codex({ ...client, url: 'ws://127.0.0.1:1', token: 'tok-1234', connectTimeoutMs: 1, reconnect: { initialDelayMs: 1, maxDelayMs: 2 } });
    expect(transport.started).toBe(false);
    return Promise.all([viaTransport.close(), spawning.close(), remote.close()]);
  });

  it('spawn, url and transport configs do not mix: a type error in TypeScript, a ValidationError at run time', () => {
    const typeChecks = (): CodexConfig[] => [
      // @ts-expect-error process options do not apply with url
      { url: 'ws://127.0.0.1:1', cwd: '/' },
      // @ts-expect-error a token needs a url
      { token: 'tok-1234' },
      // @ts-expect-error transport and url are two ways to connect: one of them
      { url: 'ws://127.0.0.1:1', transport: new InMemoryTransport() },
      // @ts-expect-error process options do not apply with a transport
      { transport: new InMemoryTransport(), codexBin: '/x' },
      // @ts-expect-error reconnect applies only with url
      { cwd: '/', reconnect: true },
      { url: 'ws://127.0.0.1:1', token: 'tok-1234', reconnect: true },
      { cwd: '/', env: {}, configOverrides: {} },
      { transport: new InMemoryTransport(), clientName: 'x' },
    ];
    expect(typeChecks).toBeInstanceOf(Function);
    const refused = (config: unknown) => thrown(() => new Codex(config as never)) as ValidationError;
    expect(refused({ url: 'ws://127.0.0.1:1', cwd: '/' }).issues).toEqual([{ path: 'cwd', message: 'applies only when codex-rx spawns the app-server, not with url' }]);
    expect(refused({ token: 'tok-1234' }).issues).toEqual([{ path: 'token', message: 'applies only with url' }]);
    expect(refused({ url: 'ws://127.0.0.1:1', transport: new InMemoryTransport() }).issues).toEqual([{ path: 'transport', message: 'cannot be combined with url: pass one of them' }]);
    expect(refused({ transport: new InMemoryTransport(), codexBin: '/x' }).issues).toEqual([
      { path: 'codexBin', message: 'applies only when codex-rx spawns the app-server, not with transport' },
    ]);
  });

  it('approvalHandler is the deprecated name of serverRequestHandler: either works, both is an error', () => {
    const transport = new InMemoryTransport();
    expect(() => new Codex({ transport, approvalHandler: () => undefined })).not.toThrow();
    const both = thrown(() => new Codex({ transport, approvalHandler: () => undefined, serverRequestHandler: () => undefined })) as ValidationError;
    expect(ValidationError.is(both)).toBe(true);
    expect(both.issues).toEqual([{ path: 'approvalHandler', message: 'is the deprecated name of serverRequestHandler: pass one of them' }]);
    const notAFunction = thrown(() => new Codex({ transport, serverRequestHandler: 'yes' as never })) as ValidationError;
    expect(notAFunction.issues).toEqual([{ path: 'serverRequestHandler', message: 'must be a function' }]);
  });
});

describe('Codex without a host platform (the main entry, as in a browser)', () => {
  it('fails at once with a CodexError saying what to pass', () => {
    const e = thrown(() => new CoreCodex());
    expect(CodexError.is(e)).toBe(true);
    expect(e.message).toMatch(/pass \{ url: 'wss:\/\/…', token \}/);
    expect(e.message).toMatch(/or \{ transport \}/);
  });

  it('works with a transport', async () => {
    const codex = new CoreCodex({ transport: new InMemoryTransport() });
    await codex.close();
  });

  it('the platform belongs to each client: a Node client beside it still spawns (no process-wide state)', async () => {
    const node = new Codex({ codexBin: '/nonexistent' });
    expect(() => new CoreCodex()).toThrow(/cannot start a local app-server here/);
    const other = new Codex();
    expect(other).toBeInstanceOf(CoreCodex);
    await Promise.all([node.close(), other.close()]);
  });
});
