/**
 * What a PrincipalHub asks of the frame policy: pure checks, no I/O. The hub forwards only what
 * these return, re-serialised with its own ids; it never forwards a client's bytes.
 */
import { MethodNotAllowedError } from '../errors.js';
import { compilePolicy, type MethodPolicy } from './policy.js';
import type { Principal } from './principal.js';

export type JsonRpcId = string | number;

/** A JSON-RPC error object. */
export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** What the policy made of one client frame. */
export type ClientAdmission =
  | { readonly kind: 'request'; readonly id: JsonRpcId; readonly method: string; readonly params?: Record<string, unknown> }
  | { readonly kind: 'notification'; readonly method: string; readonly params?: Record<string, unknown> }
  | { readonly kind: 'answer'; readonly id: JsonRpcId; readonly result?: unknown; readonly error?: unknown }
  /** Refused: answered with `error` when `id` is known, the socket closed with `close` when set; `log` is safe to log. */
  | { readonly kind: 'refused'; readonly id?: JsonRpcId; readonly error: RpcErrorObject; readonly close?: number; readonly log: string };

/** A server→client request the hub holds until one tab answers it. */
export interface ServerRequest {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params: unknown;
}

/** What a server frame is (key-order independent); only responses and requests are parsed. */
export type ServerFrame =
  | { readonly kind: 'notification' }
  | { readonly kind: 'response'; readonly message: { id: JsonRpcId; result?: unknown; error?: unknown } }
  | { readonly kind: 'request'; readonly request: ServerRequest };

/** The checks a hub runs. */
export interface HubPolicy {
  admitClientFrame(text: string, principal: Principal): ClientAdmission;
  /** The answer to forward for `request` (checked, only allowed decisions), or why not. */
  admitAnswer(answer: { id: JsonRpcId; result?: unknown; error?: unknown }, request: ServerRequest): { ok: true; answer: object } | { ok: false; reason: string };
  classifyServerFrame(data: string | Buffer): ServerFrame;
  /** Why `request` asks to run outside the sandbox or for more permissions, else undefined. */
  escalationOf(request: ServerRequest): string | undefined;
  /** The result that declines `request` (sent by the gateway itself). */
  safeAnswerFor(request: ServerRequest): unknown;
}

/**
 * A stand-in policy (method names and the old restricted params only) until the schema-derived
 * one lands: parses, refuses batches and non-object params, forwards the parsed object.
 */
export function interimHubPolicy(allowed?: MethodPolicy): HubPolicy {
  const check = compilePolicy(allowed, true);
  const refused = (log: string, close?: number, id?: JsonRpcId): ClientAdmission => ({ kind: 'refused', id, log, close, error: { code: -32600, message: log } });
  return {
    admitClientFrame(text, principal) {
      let m: any;
      try {
        m = JSON.parse(text);
      } catch {
        return refused('not JSON', 4400);
      }
      if (m === null || typeof m !== 'object' || Array.isArray(m)) return refused('not a JSON-RPC message', 4400);
      const id = typeof m.id === 'string' || typeof m.id === 'number' ? (m.id as JsonRpcId) : undefined;
      if (m.method !== undefined) {
        if (typeof m.method !== 'string') return refused('method must be a string', 4400);
        if (m.params !== undefined && (m.params === null || typeof m.params !== 'object' || Array.isArray(m.params))) return refused('params must be an object', undefined, id);
        const why = check(m.method, m.params, principal);
        if (why !== undefined) return { kind: 'refused', id, log: `refused ${m.method.slice(0, 80)} (${why})`, error: { code: MethodNotAllowedError.CODE, message: `${m.method} is not allowed by the gateway`, data: { method: m.method, reason: why } } };
        return id === undefined ? { kind: 'notification', method: m.method, params: m.params } : { kind: 'request', id, method: m.method, params: m.params };
      }
      if (id === undefined || (m.result === undefined && m.error === undefined)) return refused('not a JSON-RPC message', 4400);
      return { kind: 'answer', id, result: m.result, error: m.error };
    },
    admitAnswer(answer) {
      return { ok: true, answer: answer.error !== undefined ? { id: answer.id, error: answer.error } : { id: answer.id, result: answer.result } };
    },
    classifyServerFrame(data) {
      const m = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
      if (m.id === undefined || m.id === null) return { kind: 'notification' };
      if (typeof m.method === 'string') return { kind: 'request', request: { id: m.id, method: m.method, params: m.params } };
      return { kind: 'response', message: m };
    },
    escalationOf(request) {
      return request.method === 'item/permissions/requestApproval' ? 'asks for more permissions' : undefined;
    },
    safeAnswerFor() {
      return { decision: 'decline' };
    },
  };
}
