/**
 * The page's own server: serves the built Angular app and hands WebSocket upgrades on /codex to
 * codex-rx/gateway. Any Node server can mount the gateway the same way (Express, Fastify, the
 * Angular SSR server): pass it the `upgrade` event.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';

/** What the web server needs from a gateway (codex-rx/gateway's createCodexGateway() result). */
export interface UpgradeHandler {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface WebServerOptions {
  /** The Angular build's browser output (dist/browser). */
  root: string;
  /** The token the page presents to the gateway; written into index.html as it is served. */
  token: string;
  gateway: UpgradeHandler;
  /** Where the gateway listens on this server. */
  gatewayPath: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Scripts and WebSockets from this origin only, and no eval: codex-rx checks params and approval
 * answers with validators compiled ahead of time. Angular's component styles are inline <style>.
 */
const CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'self'; frame-ancestors 'none'";

/** An http.Server (not listening yet) for the app and its gateway. */
export function createWebServer(options: WebServerOptions): http.Server {
  const root = path.resolve(options.root);
  const server = http.createServer((req, res) => {
    serve(root, options.token, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === options.gatewayPath) options.gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  return server;
}

async function serve(root: string, token: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = path.join(root, pathname);
  if (!file.startsWith(root + path.sep) && file !== root) {
    res.writeHead(404).end();
    return;
  }
  const stat = await fs.stat(file).catch(() => undefined);
  // Anything that is not a file is a route of the app: index.html.
  if (!stat?.isFile()) file = path.join(root, 'index.html');
  const ext = path.extname(file);
  let body = await fs.readFile(file);
  const headers: http.OutgoingHttpHeaders = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' };
  if (ext === '.html') {
    body = Buffer.from(body.toString('utf8').replace('__CODEX_RX_TOKEN__', token));
    Object.assign(headers, { 'content-security-policy': CSP, 'cache-control': 'no-store' });
  } else {
    headers['cache-control'] = 'public, max-age=31536000, immutable'; // hashed file names
  }
  res.writeHead(200, { ...headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}
