import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

/** A WebSocket peer on 127.0.0.1 that a test scripts frame by frame (the fault tests' app-server). */
export interface ScriptedWsServer {
  url: string;
  wss: WebSocketServer;
  /** The next connection, with the upgrade request it came with. */
  nextConnection(): Promise<{ socket: WebSocket; request: IncomingMessage }>;
  /** Every text frame received on `socket`, parsed. */
  received(socket: WebSocket): unknown[];
  close(): Promise<void>;
}

/** Starts a scripted `ws` server on 127.0.0.1, port 0. */
export async function startScriptedWsServer(options: Omit<ServerOptions, 'port' | 'host' | 'server' | 'noServer'> = {}): Promise<ScriptedWsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const waiting: Array<(c: { socket: WebSocket; request: IncomingMessage }) => void> = [];
  const arrived: Array<{ socket: WebSocket; request: IncomingMessage }> = [];
  const frames = new WeakMap<WebSocket, unknown[]>();
  wss.on('connection', (socket, request) => {
    const list: unknown[] = [];
    frames.set(socket, list);
    socket.on('message', (data, isBinary) => list.push(isBinary ? data : JSON.parse(String(data))));
    const c = { socket, request };
    const w = waiting.shift();
    if (w) w(c);
    else arrived.push(c);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    wss,
    nextConnection: () => new Promise((resolve) => (arrived.length > 0 ? resolve(arrived.shift()!) : waiting.push(resolve))),
    received: (socket) => frames.get(socket) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
