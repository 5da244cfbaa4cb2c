/**
 * The gateway of bench row 7, in its own process (as in production: the browser is elsewhere).
 * `node bench/.build/bench/gateway-host.js` with GW_SHARED_URL, GW_SHARED_TOKEN, GW_TOKEN,
 * GW_STDIO_ENV (JSON), GW_STDIO_CWD. Path /shared → the shared app-server over ws; /stdio → its
 * own stdio app-server; /relay → the floor: a minimal ws→ws relay to the shared app-server (no
 * checks, no parse), in this same process. Each path is its own principal. Prints `URL=<ws url>`;
 * on a stdin line `cpu` prints `CPU=<µs>` (user + system of this process) and `STATS=<json>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import WebSocket, { WebSocketServer } from 'ws';
import { createCodexGateway } from '../lib/gateway/index.js';

const env = process.env;
const gateway = createCodexGateway({
  allowedOrigins: ['http://bench.localhost'],
  authenticate: (req, token) => (token === env.GW_TOKEN ? { id: req.url ?? '/' } : undefined),
  upstream: (req) => (req.url === '/shared' ? { url: env.GW_SHARED_URL!, token: env.GW_SHARED_TOKEN } : { env: JSON.parse(env.GW_STDIO_ENV ?? '{}'), cwd: env.GW_STDIO_CWD }),
  // The bench sends requests back to back.
  maxMessagesPerSecond: 1_000_000,
});

/** The floor: frames passed as they come between a client socket and its own upstream socket. */
const relay = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has('codex-rx.v1') ? 'codex-rx.v1' : false) });
relay.on('connection', (client) => {
  const upstream = new WebSocket(env.GW_SHARED_URL!, { headers: { Authorization: `Bearer ${env.GW_SHARED_TOKEN}` }, perMessageDeflate: false });
  const queue: Buffer[] = [];
  upstream.on('open', () => queue.splice(0).forEach((d) => upstream.send(d, { binary: false })));
  client.on('message', (data: Buffer) => (upstream.readyState === WebSocket.OPEN ? upstream.send(data, { binary: false }) : queue.push(data)));
  upstream.on('message', (data: Buffer) => client.send(data, { binary: false }));
  client.on('close', () => upstream.close());
  upstream.on('close', () => client.close());
});

const server = http.createServer();
server.on('upgrade', (req, socket, head) => {
  if (req.url === '/relay') relay.handleUpgrade(req, socket, head, (ws) => relay.emit('connection', ws, req));
  else gateway.handleUpgrade(req, socket, head);
});
server.listen(0, '127.0.0.1', () => console.log(`URL=ws://127.0.0.1:${(server.address() as AddressInfo).port}`));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const c = process.cpuUsage();
    console.log(`CPU=${c.user + c.system}`);
    console.log(`STATS=${JSON.stringify(gateway.stats)}`);
  }
});
process.stdin.once('end', () => {
  server.close();
  server.closeAllConnections();
  relay.close();
  void gateway.close().then(() => process.exit(0));
});
