import { Codex } from '../lib/codex.js';
import { checkCodexConfig } from '../lib/codex-config.js';
import { CodexError, ValidationError } from '../lib/errors.js';
import { NODE_PLATFORM } from '../lib/node/platform.js';
import { installPlatform } from '../lib/platform.js';
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

  it('accepts every documented key (no I/O happens at construction)', () => {
    const transport = new InMemoryTransport();
    const codex = new Codex({
      transport,
      clientName: 'n',
      clientTitle: 't',
      clientVersion: '1',
      experimentalApi: true,
      optOutNotificationMethods: [],
      approvalHandler: () => undefined,
      approvalTimeoutMs: 10,
      requestTimeoutMs: 10,
      maxBufferedPerThread: 10,
      maxPendingServerRequests: 10,
      secrets: [],
      redact: (t) => t,
      validate: true,
      validateInbound: false,
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
    expect(transport.started).toBe(false);
    return codex.close();
  });
});

describe('Codex without a host platform (as in a browser)', () => {
  afterEach(() => installPlatform(NODE_PLATFORM));

  it('fails at once with a CodexError saying what to pass', () => {
    installPlatform({ name: 'browser' });
    const e = thrown(() => new Codex());
    expect(CodexError.is(e)).toBe(true);
    expect(e.message).toMatch(/pass \{ url: 'wss:\/\/…', token \}/);
    expect(e.message).toMatch(/or \{ transport \}/);
  });

  it('works with a transport', async () => {
    installPlatform({ name: 'browser' });
    const codex = new Codex({ transport: new InMemoryTransport() });
    await codex.close();
  });
});
