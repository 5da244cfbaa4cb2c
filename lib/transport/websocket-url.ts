import { ValidationError } from '../errors.js';

/** What a `url` option means: a WebSocket URL, or a unix socket (Node only). */
export type AppServerAddress = { kind: 'ws'; url: string; secure: boolean; loopback: boolean } | { kind: 'unix'; socketPath: string | undefined };

/**
 * Parses `ws://`, `wss://`, `unix:///abs/path.sock` and bare `unix://` (the local daemon's
 * socket, resolved by the Node platform). Throws ValidationError for anything else.
 */
export function parseAppServerUrl(url: unknown): AppServerAddress {
  if (typeof url !== 'string' || url === '') throw new ValidationError('url', [{ path: 'url', message: 'must be a ws://, wss:// or unix:// URL' }]);
  if (url === 'unix://' || url === 'unix:') return { kind: 'unix', socketPath: undefined };
  if (url.startsWith('unix://')) {
    const socketPath = decodeURIComponent(url.slice('unix://'.length));
    if (!socketPath.startsWith('/')) throw new ValidationError('url', [{ path: 'url', message: 'unix:// needs an absolute socket path (unix:///path/to.sock), or nothing for the local daemon' }]);
    return { kind: 'unix', socketPath };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('url', [{ path: 'url', message: 'is not a valid URL' }]);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new ValidationError('url', [{ path: 'url', message: `must use ws://, wss:// or unix:// (got ${parsed.protocol}//)` }]);
  }
  return { kind: 'ws', url, secure: parsed.protocol === 'wss:', loopback: isLoopbackHost(parsed.hostname) };
}

/**
 * The one rule for tokens on the wire (the client's WebSocketTransport and the gateway's
 * upstream both apply it): never over plain ws:// to a host that is not this machine.
 */
export function mayCarryToken(address: AppServerAddress): boolean {
  return address.kind === 'unix' || address.secure || address.loopback;
}

/**
 * True for hosts that never leave the machine: `localhost`, 127.0.0.0/8, ::1, and 127.0.0.0/8
 * mapped into IPv6 (`URL` writes `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`). Not `*.localhost`:
 * browsers pin it to loopback, but Node asks the system resolver, which may send it anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)
  );
}
