/** Test helpers: a scripted Responses-API model server and a temporary CODEX_HOME for the real binary. */
export {
  ScriptedModelServer,
  message,
  functionCall,
  shellCommand,
  applyPatch,
} from './scripted-model-server.js';
export type {
  ScriptedStep,
  ScriptedOutput,
  ScriptedMessage,
  ScriptedMessagePhase,
  ScriptedFunctionCall,
  ScriptedCustomToolCall,
  ScriptedReasoning,
  ScriptedUsage,
  ScriptedHttpError,
  ScriptedStreamFailure,
  RecordedRequest,
  ScriptedModelServerOptions,
  MessageStepOptions,
  FunctionCallStepOptions,
  ShellCommandStepOptions,
  ApplyPatchStepOptions,
} from './scripted-model-server.js';
export { createCodexHome, resolveCodexBinary, MOCK_MODEL } from './codex-home.js';
export type { CodexHome, CodexHomeOptions, TestApprovalPolicy, TestSandboxMode } from './codex-home.js';
