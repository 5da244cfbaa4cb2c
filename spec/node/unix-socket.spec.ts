/** Where the local app-server daemon's socket is, and the ws URL that reaches it. */
import { homedir } from 'node:os';
import path from 'node:path';
import { daemonSocketPath, unixSocketUrl } from '../../lib/node/unix-socket.js';

describe('daemonSocketPath', () => {
  it('sits under $CODEX_HOME, resolved to an absolute path', () => {
    expect(daemonSocketPath({ CODEX_HOME: '/tmp/ch' })).toBe('/tmp/ch/app-server-control/app-server-control.sock');
    expect(daemonSocketPath({ CODEX_HOME: 'rel' })).toBe(path.resolve('rel', 'app-server-control', 'app-server-control.sock'));
  });

  it('defaults to ~/.codex when CODEX_HOME is unset or empty', () => {
    const home = path.join(homedir(), '.codex', 'app-server-control', 'app-server-control.sock');
    expect(daemonSocketPath({})).toBe(home);
    expect(daemonSocketPath({ CODEX_HOME: '' })).toBe(home);
  });
});

describe('unixSocketUrl', () => {
  it('is ws+unix:<path>:/ for the given socket, else the daemon socket', () => {
    expect(unixSocketUrl('/run/x.sock')).toBe('ws+unix:/run/x.sock:/');
    expect(unixSocketUrl(undefined)).toBe(`ws+unix:${daemonSocketPath()}:/`);
  });
});
