import type { WebSocketLike } from '../transport/websocket-like.js';

// What Node's `ws` sockets need that browsers do not (a browser pings on its own and has no
// process to keep alive): handed to WebSocketTransport by the Node platform (lib/node/platform.ts).

/**
 * Pings every `everyMs` and calls `dead()` when the peer answered neither the last ping nor
 * anything else since (a half-open connection). Returns the stop. Does nothing for a socket
 * without `ping` (not `ws`) or for `everyMs` ≤ 0.
 */
export function watchLiveness(socket: WebSocketLike, everyMs: number, dead: () => void): () => void {
  if (!(everyMs > 0) || typeof socket.ping !== 'function' || typeof socket.on !== 'function') return () => undefined;
  let awaiting = false;
  const heard = () => {
    awaiting = false;
  };
  socket.on('pong', heard);
  socket.addEventListener('message', heard); // anything from the peer proves the connection is alive
  const timer = setInterval(() => {
    if (awaiting) return dead();
    awaiting = true;
    try {
      socket.ping!();
    } catch {
      // the close event reports what happened
    }
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** Whether the socket keeps the Node process alive (`ws` keeps its net.Socket in `_socket`). */
export function keepSocketAlive(socket: WebSocketLike, alive: boolean): void {
  const raw = (socket as { _socket?: { ref?(): void; unref?(): void; destroyed?: boolean } })._socket;
  if (!raw || raw.destroyed) return;
  if (alive) raw.ref?.();
  else raw.unref?.();
}
