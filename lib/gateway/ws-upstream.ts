import WebSocket from 'ws';
import { failOnce, type Upstream, type UpstreamEvents, type WebSocketUpstreamConfig } from './upstream.js';

/** Client messages held while the upstream WebSocket opens; more fail the connection. */
const MAX_QUEUED = 1000;
/** Largest server→client frame accepted from the app-server (its own limit is higher still). */
const MAX_UPSTREAM_FRAME = 256 * 1024 * 1024;
/** Bytes allowed to queue towards the app-server when it stops reading; past it the upstream fails. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * Opens one WebSocket to a shared app-server. Only `Authorization: Bearer <token>` is sent: never
 * the client's Origin, cookies or headers (the app-server refuses any Origin anyway).
 */
export function openWebSocketUpstream(config: WebSocketUpstreamConfig, events: UpstreamEvents): Upstream {
  const headers: Record<string, string> = {};
  if (config.token) headers.Authorization = `Bearer ${config.token}`;
  const socket = new WebSocket(config.url, { headers, maxPayload: MAX_UPSTREAM_FRAME, perMessageDeflate: false });
  let queue: string[] | undefined = [];
  const failure = failOnce(events, () => socket.terminate());
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('open', () => {
    for (const text of queue ?? []) sendText(socket, text);
    queue = undefined;
  });
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) events.message(data);
  });
  socket.on('error', (e) => {
    const status = /Unexpected server response: (\d+)/.exec(e.message)?.[1];
    failure.fail(status ? `the app-server refused the connection (HTTP ${status})` : 'the connection to the app-server failed');
  });
  socket.on('close', () => failure.fail('the app-server closed the connection'));

  return {
    send(text) {
      if (failure.ended) return;
      if (!queue) {
        sendText(socket, text);
        if (socket.bufferedAmount > MAX_PENDING_BYTES) failure.fail('the app-server stopped reading its input');
        return;
      }
      if (queue.length >= MAX_QUEUED) return failure.fail('too many messages before the app-server connection opened');
      queue.push(text);
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close() {
      failure.closing();
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000);
      // A peer that never completes the closing handshake is cut off.
      const cut = setTimeout(() => socket.terminate(), 2000);
      return closed.finally(() => clearTimeout(cut));
    },
  };
}

/**
 * Sends `text` as one text frame. As bytes: `ws` masks a Buffer it may not modify into one new
 * buffer (one write), while a string is masked in place and written as header + payload (a
 * writev, which cost the gateway ~15 % of its CPU in bench row 7).
 */
function sendText(socket: WebSocket, text: string): void {
  socket.send(Buffer.from(text, 'utf8'), { binary: false });
}
