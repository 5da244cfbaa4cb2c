import { ValidationError } from '../../lib/errors.js';
import { isLoopbackHost, mayCarryToken, parseAppServerUrl } from '../../lib/transport/websocket-url.js';

describe('parseAppServerUrl (what a `url` option means)', () => {
  it('reads ws:// and wss://, and whether the host is loopback', () => {
    expect(parseAppServerUrl('ws://127.0.0.1:4500')).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:4500', secure: false, loopback: true });
    expect(parseAppServerUrl('wss://codex.example.com/rpc')).toEqual({ kind: 'ws', url: 'wss://codex.example.com/rpc', secure: true, loopback: false });
    expect(parseAppServerUrl('ws://[::1]:80')).toMatchObject({ kind: 'ws', loopback: true });
  });

  it('reads unix:///abs/path (percent-decoded) and bare unix:// as the local daemon', () => {
    expect(parseAppServerUrl('unix:///run/codex%20app.sock')).toEqual({ kind: 'unix', socketPath: '/run/codex app.sock' });
    expect(parseAppServerUrl('unix://')).toEqual({ kind: 'unix', socketPath: undefined });
  });

  it.each([
    ['', 'must be a ws://, wss:// or unix:// URL'],
    [42, 'must be a ws://, wss:// or unix:// URL'],
    ['unix://relative.sock', 'unix:// needs an absolute socket path'],
    ['http://127.0.0.1:4500', 'must use ws://, wss:// or unix:// (got http://)'],
    ['ws://', 'is not a valid URL'],
  ])('refuses %p with a ValidationError naming url', (url, message) => {
    let caught: unknown;
    try {
      parseAppServerUrl(url);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).issues[0]).toEqual({ path: 'url', message: expect.stringContaining(message) });
  });
});

describe('isLoopbackHost (where a token may go over plain ws://)', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it('IPv4-mapped loopback as URL writes it', () => {
    expect(isLoopbackHost(new URL('ws://[::ffff:127.0.0.1]/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('ws://127.1/').hostname)).toBe(true);
  });

  // *.localhost is loopback in browsers, but Node resolves it through the system resolver.
  it.each(['evil.localhost', 'localhost.example.com', '128.0.0.1', '0.0.0.0', '10.0.0.1', '::ffff:10.0.0.1', '[::ffff:a00:1]', '::2', '127.0.0.1.nip.io'])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe('mayCarryToken (the one "no token over plain ws://" rule)', () => {
  it('allows wss://, loopback ws:// and unix sockets; refuses plain ws:// to another machine', () => {
    expect(mayCarryToken(parseAppServerUrl('wss://example.com/codex'))).toBe(true);
    expect(mayCarryToken(parseAppServerUrl('ws://127.0.0.1:4500'))).toBe(true);
    expect(mayCarryToken(parseAppServerUrl('ws://[::1]:4500'))).toBe(true);
    expect(mayCarryToken(parseAppServerUrl('unix:///tmp/x.sock'))).toBe(true);
    expect(mayCarryToken(parseAppServerUrl('ws://example.com:4500'))).toBe(false);
    expect(mayCarryToken(parseAppServerUrl('ws://localhost.evil.test'))).toBe(false);
  });
});
