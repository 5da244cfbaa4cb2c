import { homedir } from 'node:os';
import path from 'node:path';

/** The local daemon's socket: `$CODEX_HOME/app-server-control/app-server-control.sock` (CODEX_HOME defaults to ~/.codex). */
export function daemonSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CODEX_HOME && env.CODEX_HOME !== '' ? env.CODEX_HOME : path.join(homedir(), '.codex');
  return path.join(path.resolve(home), 'app-server-control', 'app-server-control.sock');
}

/** The `ws` package's URL for a WebSocket over a unix socket (`ws+unix:<path>:<request path>`). */
export function unixSocketUrl(socketPath: string | undefined): string {
  return `ws+unix:${socketPath ?? daemonSocketPath()}:/`;
}
