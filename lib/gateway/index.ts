/** codex-rx/gateway (Node only): lets browsers reach `codex app-server` under a policy. */
export { createCodexGateway, type CodexGateway, type CodexGatewayOptions, type CodexGatewayStats } from './gateway.js';
export type { Principal, AuthenticateResult } from './principal.js';
export { HubErrorCode } from './principal-hub.js';
export { DEFAULT_ALLOWED_METHODS, RESTRICTED_PARAMS, restrictedParam, type MethodCall, type MethodPolicy } from './policy.js';
export { GATEWAY_SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX } from './token.js';
export type { UpstreamConfig, StdioUpstreamConfig, WebSocketUpstreamConfig } from './upstream.js';
export { CloseCode, describeCloseCode, type CloseCodeValue } from '../transport/close-codes.js';
export { MethodNotAllowedError } from '../errors.js';
