// The scripted model as data: steps, their builders, and the pure step → SSE encoder.
export { message, functionCall, shellCommand, applyPatch } from './steps.js';
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
  MessageStepOptions,
  FunctionCallStepOptions,
  ShellCommandStepOptions,
  ApplyPatchStepOptions,
} from './steps.js';
export { encodeStep, toSseFrame, idCounter, type EncodeStepOptions, type IdSource, type ResponseEvent } from './sse-encoder.js';
