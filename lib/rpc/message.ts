/** JSON-RPC as the app-server speaks it: JSON-RPC 2.0 without the "jsonrpc" field. */

export type RequestId = string | number;

/** A JSON-RPC error object. */
export interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

export interface WireRequest {
  id: RequestId;
  method: string;
  params?: unknown;
}
export interface WireNotification {
  method: string;
  params?: unknown;
}
export interface WireResponse {
  id: RequestId;
  result?: unknown;
  error?: WireError;
}

/** What an inbound value is, decided once by shape. */
export type Classified =
  | { kind: 'request'; message: WireRequest }
  | { kind: 'notification'; message: WireNotification }
  | { kind: 'response'; message: WireResponse }
  | { kind: 'invalid'; reason: string };

const isId = (v: unknown): v is RequestId => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** Classifies an inbound JSON value as request, notification, response or invalid. */
export function classify(value: unknown): Classified {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'invalid', reason: 'not a JSON object' };
  const m = value as Record<string, unknown>;
  if (typeof m.method === 'string') {
    if (m.id === undefined) return { kind: 'notification', message: m as unknown as WireNotification };
    if (isId(m.id)) return { kind: 'request', message: m as unknown as WireRequest };
    return { kind: 'invalid', reason: 'request id must be a string or number' };
  }
  if (isId(m.id) && ('result' in m || 'error' in m)) {
    const e = m.error as WireError | undefined;
    if (e !== undefined && (e === null || typeof e !== 'object' || typeof e.code !== 'number')) {
      return { kind: 'invalid', reason: 'error response without a numeric code' };
    }
    return { kind: 'response', message: m as unknown as WireResponse };
  }
  return { kind: 'invalid', reason: 'neither a request, a notification nor a response' };
}
