/** transportFor: which transport a Codex config gets — given, remote, or a local app-server. */
import { transportFor } from '../lib/codex-transport.js';
import type { CodexConfig } from '../lib/codex-config.js';
import { CodexError } from '../lib/errors.js';
import type { CodexPlatform } from '../lib/platform.js';
import { InMemoryTransport } from '../lib/testing/index.js';
import { WebSocketTransport } from '../lib/transport/websocket-transport.js';
import { thrown } from './support/thrown.js';

const redact = (t: string) => t;
const config = (c: object) => c as CodexConfig;

describe('transportFor', () => {
  it('a given transport is used as is', () => {
    const transport = new InMemoryTransport();
    expect(transportFor(config({ transport }), redact, undefined)).toBe(transport);
  });

  it('a url gives a WebSocketTransport', () => {
    expect(transportFor(config({ url: 'ws://127.0.0.1:4500', token: 't' }), redact, undefined)).toBeInstanceOf(WebSocketTransport);
  });

  it('no url and no transport: the platform starts a local app-server with the process options only', () => {
    const local = new InMemoryTransport();
    const calls: object[] = [];
    const platform = { name: 'test', localTransport: (o: object) => (calls.push(o), local) } as unknown as CodexPlatform;
    expect(transportFor(config({ codexBin: '/bin/codex', cwd: '/work', connectTimeoutMs: 5 }), redact, platform)).toBe(local);
    expect(calls).toEqual([{ codexBin: '/bin/codex', cwd: '/work', redact }]);
  });

  it('without a platform that can start one, a CodexError says what to pass instead', () => {
    const e = thrown(() => transportFor(config({}), redact, undefined));
    expect(CodexError.is(e)).toBe(true);
    expect(e.message).toMatch(/cannot start a local app-server here.*\{ url: 'wss:\/\/…', token \}.*\{ transport \}/);
  });

  it('signedBearerToken needs a platform that signs; it is checked at once', () => {
    const signed = { sharedSecret: 's'.repeat(32) };
    expect(thrown(() => transportFor(config({ url: 'ws://127.0.0.1:1', signedBearerToken: signed }), redact, undefined)).message).toMatch(/signedBearerToken needs Node\.js/);
    const checked: unknown[] = [];
    const platform = { name: 'node', signBearerToken: async () => 'jwt', checkSignedBearerToken: (o: unknown) => checked.push(o) } as unknown as CodexPlatform;
    expect(transportFor(config({ url: 'ws://127.0.0.1:1', signedBearerToken: signed }), redact, platform)).toBeInstanceOf(WebSocketTransport);
    expect(checked).toEqual([signed]);
  });
});

