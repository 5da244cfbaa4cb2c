import type { IncomingMessage } from 'node:http';

import { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../transport/websocket-like.js';

// One source for the names the browser client offers and the gateway accepts: websocket-like.ts.
export { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL };
/** @deprecated The same constant as `SUBPROTOCOL` (one name per concept); use that. */
export const GATEWAY_SUBPROTOCOL = SUBPROTOCOL;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The offered subprotocols of an upgrade request, in order. */
export function offeredSubprotocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The client's token: `Authorization: Bearer <token>` (Node clients), else the
 * `codex-rx.bearer.<base64url>` subprotocol (browsers). Undefined when absent or malformed.
 */
export function tokenOf(request: IncomingMessage): string | undefined {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer +(\S+) *$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  const offered = offeredSubprotocols(request).filter((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
  if (offered.length !== 1) return undefined;
  return decodeBearer(offered[0].slice(BEARER_SUBPROTOCOL_PREFIX.length));
}

/** Decodes base64url without padding; undefined unless it is exactly the canonical encoding. */
function decodeBearer(encoded: string): string | undefined {
  if (!BASE64URL.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  // Reject non-canonical input (stray bits, bad length) and invalid UTF-8.
  if (bytes.toString('base64url') !== encoded) return undefined;
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').toString('base64url') !== encoded || text === '') return undefined;
  return text;
}
