/** codex-rx/gateway (Node only): lets browsers reach `codex app-server` under a policy. */
export { createCodexGateway, type CodexGateway, type CodexGatewayOptions, type CodexGatewayStats } from './gateway.js';
export type { Principal, AuthenticateResult } from './principal.js';
export { HubErrorCode } from './principal-hub.js';
export {
  DEFAULT_ALLOWED_METHODS,
  DEFAULT_ALLOWED_DECISIONS,
  DEFAULT_MAX_STRING_BYTES,
  DEFAULT_MAX_INPUT_BYTES,
  ANSWER_DECISIONS,
  compileGatewayPolicy,
  RESTRICTED_PARAMS,
  restrictedParam,
  type AnswerDecision,
  type GatewayPolicy,
  type GatewayPolicyOptions,
  type MethodCall,
  type MethodPolicy,
} from './policy.js';
export { admitClientFrame, type ClientFrameVerdict, type ClientId } from './frame-policy.js';
export { admitAnswer, type AnswerVerdict, type AskedRequest } from './answer-policy.js';
export { escalationOf, safeAnswerFor, type ServerRequestAnswer } from './escalation.js';
export { classifyServerFrame, type ServerFrameKind } from './server-frame.js';
export { GATEWAY_METHOD_FIELDS, type GatewayFieldClass, type GatewayMethodFields } from './params-fields.generated.js';
export { logSafe } from './log-safe.js';
export { SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX, GATEWAY_SUBPROTOCOL } from './token.js';
export type { UpstreamConfig, StdioUpstreamConfig, WebSocketUpstreamConfig } from './upstream.js';
export { CloseCode, describeCloseCode, type CloseCodeValue } from '../transport/close-codes.js';
export { MethodNotAllowedError } from '../errors.js';
