/**
 * `codex-rx/testing`: test helpers that run anywhere (a browser bundle included) — a fake
 * app-server with scripted turns for marble and async tests, protocol-valid payload builders and
 * an ObservableStream reader. The Node-only scripted model server and CODEX_HOME live in
 * `codex-rx/testing/node`.
 */

// A fake app-server and scripted turns
export { FakeAppServer, rpcError, type FakeAppServerOptions, type FakeHandler, type FakeRequest } from './fake-app-server.js';
export type { DeliveredError, DeliveredMessage } from './fake-outbox.js';
export { scriptTurn, TurnScript, type ApprovalOptions, type Chunks, type ClientAnswer, type CommandOptions, type FileChangeOptions, type ItemOptions, type McpToolCallOptions, type TurnContext, type TurnEnding } from './turn-script.js';

// Reading real streams in async tests
export { ObservableStream, DEFAULT_TAKE_TIMEOUT_MS, type StreamEvent } from './observable-stream.js';

// Protocol-valid payloads (each checked against the pinned JSON Schema by this project's tests)
export * from './payloads/index.js';

// The scripted model (for ScriptedModelServer in codex-rx/testing/node): steps as plain data
export * from './model/index.js';
