// codex-rx: the public API. Every name is listed here on purpose; nothing else is public.
// This is the browser-safe main entry: nothing reachable from here imports a Node built-in.
// Node.js gets lib/node/index.ts (this, plus spawning the binary) through the `node` condition.

// Client
export { Codex, type ThreadCallOptions } from './codex.js';
export type { CodexState } from './rpc/link-state.js';
export {
  SDK_VERSION,
  type CodexClientOptions,
  type CodexConfig,
  type CodexRemoteOptions,
  type CodexSpawnConfig,
  type CodexTransportConfig,
  type CodexTransportOptions,
  type CodexUrlConfig,
} from './codex-config.js';
export type { SignedBearerTokenOptions } from './platform.js';
export type { AppServerProcessOptions, ConfigOverrides } from './transport/process-options.js';
export { Thread, type TurnCallOptions } from './thread.js';
export type { ChatgptLoginHandle, DeviceCodeLoginHandle, LoginHandle } from './login.js';

// Inputs and options
export { imageInput, localImageInput, mentionInput, skillInput, textInput, toInputItems, type Input, type InputItem } from './inputs.js';
export { ApprovalMode, Sandbox, type ThreadOptions, type TurnOptions } from './options.js';

// Turns and operators
export { isServerRequest, turnIdOf, type TurnEvent } from './turn/turn-event.js';
export type { TurnNotification } from './turn/turn-notification.js';
export { toTurnResult, type TurnResult } from './turn/turn-result.js';
export { agentText } from './operators/agent-text.js';
export { ofMethod } from './operators/of-method.js';
export { INITIAL_TURN_PROGRESS, reduceTurnProgress, turnProgress, type ItemProgress, type TurnProgress } from './operators/turn-progress.js';
export { backoffDelay, retryOnOverload, type RetryOnOverloadOptions } from './operators/retry-on-overload.js';

// Streams: commands, processes, file watching, search, review, live state (cold; unsubscribe cleans up)
export type { CommandEvent, CommandExit, ExecOptions } from './streams/command-exec.js';
export type { ProcessEvent, ProcessExit, SpawnOptions } from './streams/process-spawn.js';
export type { ProcessInput, TerminalSize } from './streams/process-input.js';
export type { OutputChunk, OutputStreamName } from './streams/output-chunk.js';
export { DEFAULT_MAX_OUTPUT_BYTES, MAX_PARTIAL_SEARCH_ROWS, OutputLimitExceededError } from './streams/stream-limits.js';
export type { FsChange, WatchOptions } from './streams/fs-watch.js';
export type { FileSearchOptions, FileSearchSnapshot } from './streams/fuzzy-file-search.js';
export type { ThreadSearchOptions, ThreadSearchUpdate } from './streams/thread-search.js';
export type { ReviewTarget } from './streams/review.js';
export type { McpServersState } from './streams/live-states.js';

// Validation and structured output
export { defineOutputSchema, type OutputOf, type OutputSchema } from './output-schema.js';
export { validateParams } from './validation/validate-params.js';

// Approvals and other server requests
export { Answers } from './approvals/answers.js';
export { safeAnswer } from './approvals/safe-answers.js';
export type { ApprovalFailure, ApprovalHandler, PendingServerRequest, ServerRequestContext, ServerRequestHandler } from './approvals/approval-router.js';
export type { ApprovalFailureKind, ApprovalHandlerResult, ServerRequestAnswer } from './approvals/approval-router.js';
export { handleRequests, type ServerRequestHandlerContext, type ServerRequestHandlers } from './approvals/handle-requests.js';

// Errors
export {
  AuthenticationError,
  BinaryNotFoundError,
  CodexError,
  InternalRpcError,
  InvalidParamsError,
  InvalidRequestError,
  isRetryableError,
  JsonRpcError,
  MethodNotAllowedError,
  MethodNotFoundError,
  ParseError,
  ProtocolError,
  RequestTimeoutError,
  RetryLimitExceededError,
  ServerBusyError,
  TransportClosedError,
  TurnFailedError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
export { CloseCode, describeCloseCode, type CloseCodeValue } from './transport/close-codes.js';
export { MIN_SERVER_VERSION, serverAge, VersionMismatchError, type ServerAge } from './version.js';

// Lower layers, for custom transports (test helpers, InMemoryTransport included, are in codex-rx/testing)
export type { ProtocolWarning } from './rpc/connection.js';
export type { Transport } from './transport/transport.js';
export { WebSocketTransport, type WebSocketTransportOptions } from './transport/websocket-transport.js';
export { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL, type TokenCarrier, type WebSocketConstructor, type WebSocketLike } from './transport/websocket-like.js';

// Protocol types
export type { ClientMethod, Notification, NotificationMethod, NotificationParams, ParamsOf, ResultOf, ServerRequestMessage, ServerRequestMethod, ServerRequestParams, ServerRequestResult } from './protocol/methods.js';
export { PROTOCOL_VERSION } from './protocol/tables.generated.js';
export type * as protocol from './protocol/generated/index.js';
