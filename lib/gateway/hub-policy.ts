/**
 * What a PrincipalHub asks of the frame policy (frame-policy.ts, answer-policy.ts,
 * escalation.ts, server-frame.ts: pure checks, no I/O), in the shapes the hub routes by. The hub
 * forwards only what these return, re-serialised with its own ids; never a client's bytes.
 */
import { admitAnswer } from './answer-policy.js';
import { escalationOf, safeAnswerFor } from './escalation.js';
import { admitClientFrame, type ClientFrameVerdict } from './frame-policy.js';
import { PAGE_ANSWERED_RESULTS } from './params-fields.generated.js';
import { compileGatewayPolicy, type GatewayPolicyOptions } from './policy.js';
import type { Principal } from './principal.js';
import { classifyServerFrame } from './server-frame.js';

export type JsonRpcId = string | number;

/** A JSON-RPC error object. */
export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** What the policy made of one client frame (see admitClientFrame). */
export type ClientAdmission = ClientFrameVerdict;

/** A server→client request the hub holds until one tab answers it. */
export interface ServerRequest {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params: unknown;
}

/** What a server frame is (key-order independent); only responses and requests are parsed. */
export type ServerFrame =
  | { readonly kind: 'notification' }
  | { readonly kind: 'unknown' }
  /** A response: its id and where the id's text sits (`[start, end)`, string or byte offsets), its body parsed only when asked. */
  | { readonly kind: 'response'; readonly id: JsonRpcId; readonly idAt: readonly [number, number]; parse(): { readonly result?: unknown; readonly error?: unknown } }
  | { readonly kind: 'request'; readonly request: ServerRequest };

/** An answer to a server request, without its id. */
export type AnswerBody = { readonly result: unknown } | { readonly error: RpcErrorObject };

/** The checks a hub runs. */
export interface HubPolicy {
  admitClientFrame(text: string, principal: Principal): ClientAdmission;
  /** The answer to forward for `request` (checked, only allowed decisions), or why not. */
  admitAnswer(answer: { readonly result?: unknown; readonly error?: unknown }, request: ServerRequest): AnswerBody | { readonly refuse: string };
  classifyServerFrame(data: string | Buffer): ServerFrame;
  /** Why the gateway answers `request` itself (an escalation it may not let a page grant, a request no page may answer), else undefined. */
  answeredByGateway(request: ServerRequest): string | undefined;
  /** The answer that grants nothing (sent by the gateway itself). */
  safeAnswerFor(request: ServerRequest): AnswerBody;
}

/** The schema-derived policy of the gateway's options. Throws a ValidationError for bad options. */
export function createHubPolicy(options: GatewayPolicyOptions): HubPolicy {
  const policy = compileGatewayPolicy(options);
  const allowEscalation = options.allowEscalation === true;
  return {
    admitClientFrame: (text, principal) => admitClientFrame(text, policy, principal),
    admitAnswer: (answer, request) => admitAnswer(request, answer, policy),
    classifyServerFrame(data) {
      const kind = classifyServerFrame(data);
      if (kind.kind === 'notification' || kind.kind === 'unknown') return kind;
      const parse = () => JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as { method: string; params?: unknown; result?: unknown; error?: unknown };
      if (kind.kind === 'response') return { kind: 'response', id: kind.id, idAt: kind.idAt, parse };
      const m = parse();
      return { kind: 'request', request: { id: kind.id, method: m.method, params: m.params } };
    },
    answeredByGateway(request) {
      if (!Object.prototype.hasOwnProperty.call(PAGE_ANSWERED_RESULTS, request.method)) return 'a page may not answer it';
      return allowEscalation ? undefined : escalationOf(request.method, request.params);
    },
    safeAnswerFor: (request) => safeAnswerFor(request.method, request.params),
  };
}
