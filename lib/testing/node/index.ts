/**
 * `codex-rx/testing/node`: the Node-only half of the testing kit, for end-to-end tests of the real
 * `codex app-server` — a scripted Responses-API model server on 127.0.0.1, a throw-away
 * CODEX_HOME pointing at it, and the binary resolver codex-rx itself uses. The step builders of
 * `codex-rx/testing` are re-exported, so one import covers an end-to-end test.
 */
export { ScriptedModelServer, type RecordedRequest, type ScriptedModelServerOptions } from './scripted-model-server.js';
export { createCodexHome, type CodexHome, type CodexHomeOptions, type TestApprovalPolicy, type TestSandboxMode } from './codex-home.js';
export { MOCK_MODEL, MOCK_MODEL_INFO, modelCatalog, type ScriptedModelInfo } from './model-catalog.js';
export { resolveCodexBinary, type ResolvedBinary } from '../../transport/stdio-binary.js';
export * from '../model/index.js';
