import { MethodNotAllowedError } from '../errors.js';
import { CloseCode } from '../transport/close-codes.js';
import { checkParams } from './field-policy.js';
import { logSafe } from './log-safe.js';
import { GATEWAY_METHOD_FIELDS } from './params-fields.generated.js';
import type { GatewayPolicy } from './policy.js';
import { parseStrictJson } from './strict-json.js';

/** A JSON-RPC id as a client may choose it. */
export type ClientId = string | number;

/**
 * What to do with one client frame. Forward only what is returned here, re-serialised (never the
 * client's bytes): `request`/`notification` are checked; an `answer` still needs admitAnswer
 * with the request it answers; `refuse` is the JSON-RPC error to reply (when it has an id);
 * `close` ends the connection (CloseCode.BAD_REQUEST).
 */
export type ClientFrameVerdict =
  | { readonly kind: 'request'; readonly id: ClientId; readonly method: string; readonly params?: Record<string, unknown> }
  | { readonly kind: 'notification'; readonly method: string; readonly params?: Record<string, unknown> }
  | { readonly kind: 'answer'; readonly id: ClientId; readonly result?: unknown; readonly error?: unknown }
  | { readonly kind: 'refuse'; readonly id?: ClientId; readonly error: { readonly code: number; readonly message: string; readonly data?: unknown } }
  | { readonly kind: 'close'; readonly code: number; readonly reason: string };

/** JSON-RPC "invalid request". */
export const INVALID_REQUEST = -32600;
/** JSON-RPC "invalid params". */
export const INVALID_PARAMS = -32602;
/** Longest id string a client may use (ids are echoed back, and logged). */
export const MAX_ID_CHARS = 256;
/** Longest method name; the protocol's are a few dozen characters. */
export const MAX_METHOD_CHARS = 256;

const TOP_LEVEL = new Set(['jsonrpc', 'id', 'method', 'params', 'result', 'error']);

/**
 * Parses one client frame and checks it against the policy: exactly one JSON-RPC object (no
 * batch), no duplicate keys, no nesting deeper than 64, an allowed method, params absent or an
 * object whose every field the page may set with valid values (checkParams).
 *
 * Duplicate keys close the connection rather than being canonicalised: no JSON.stringify ever
 * writes one, so a frame with one was crafted, and it means something else to the app-server
 * (serde refuses the duplicate field and reads the frame as another kind of message) than to
 * JSON.parse (last one wins). Refusing leaves no reading to guess.
 */
export function admitClientFrame(text: string, policy: GatewayPolicy, principal: unknown): ClientFrameVerdict {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return close(parsed.reason);
  const message = parsed.value;
  if (Array.isArray(message)) return close('batches are not accepted');
  if (message === null || typeof message !== 'object') return close('not a JSON-RPC message');
  const m = message as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!TOP_LEVEL.has(key)) return close(`not a JSON-RPC message: unexpected key ${JSON.stringify(logSafe(key, 40))}`);
  if (m.jsonrpc !== undefined && m.jsonrpc !== '2.0') return close('jsonrpc must be "2.0"');
  const hasId = 'id' in m;
  if (hasId && !validId(m.id)) return close(`id must be a string of at most ${MAX_ID_CHARS} characters or a finite number`);
  const id = m.id as ClientId | undefined;

  if (m.method === undefined) {
    if (!hasId || 'params' in m || ('result' in m) === ('error' in m)) return close('not a JSON-RPC message');
    return 'result' in m ? { kind: 'answer', id: id!, result: m.result } : { kind: 'answer', id: id!, error: m.error };
  }
  if (typeof m.method !== 'string') return close('method must be a string');
  if ('result' in m || 'error' in m) return close('not a JSON-RPC message: a method and an answer at once');
  const method = m.method;
  if (method.length > MAX_METHOD_CHARS) return refuse(id, MethodNotAllowedError.CODE, `method names are at most ${MAX_METHOD_CHARS} characters`, { method: logSafe(method, 100) });
  if (!policy.allowsMethod(method, m.params, principal)) {
    return refuse(id, MethodNotAllowedError.CODE, `${logSafe(method, 100)} is not allowed by the gateway`, { method, reason: 'not in the allowed methods' });
  }
  const expected = GATEWAY_METHOD_FIELDS[method]!.kind;
  if (expected !== (hasId ? 'request' : 'notification')) {
    // A request sent as a notification would run with no answer to route; the other way round, the reverse.
    return refuse(id, INVALID_REQUEST, `${method} is a ${expected}: send it ${expected === 'request' ? 'with' : 'without'} an id`, { method });
  }
  const checked = checkParams(method, m.params, policy);
  if (!checked.ok) {
    return refuse(id, INVALID_PARAMS, `Invalid params for ${method}: ${checked.field} ${checked.message}`, { method, field: checked.field, reason: checked.message });
  }
  const params = checked.params;
  if (!hasId) return params === undefined ? { kind: 'notification', method } : { kind: 'notification', method, params };
  return params === undefined ? { kind: 'request', id: id!, method } : { kind: 'request', id: id!, method, params };
}

function validId(id: unknown): id is ClientId {
  return (typeof id === 'string' && id.length <= MAX_ID_CHARS) || (typeof id === 'number' && Number.isFinite(id));
}

function close(reason: string): ClientFrameVerdict {
  return { kind: 'close', code: CloseCode.BAD_REQUEST, reason };
}

function refuse(id: ClientId | undefined, code: number, message: string, data: unknown): ClientFrameVerdict {
  const error = { code, message, data };
  return id === undefined ? { kind: 'refuse', error } : { kind: 'refuse', id, error };
}
