/**
 * What the scripted model does, as plain data: one {@link ScriptedStep} answers one Responses-API
 * request (`POST /v1/responses`) of the real `codex app-server`. Browser-safe: the steps are
 * encoded by `sse-encoder.ts` and served by the Node-only `ScriptedModelServer`.
 */

/** Where a message sits in the agent's answer (`phase` on the Responses-API message item). */
export type ScriptedMessagePhase = 'commentary' | 'partial_answer' | 'final_answer';

/** An assistant text message, streamed as `response.output_text.delta` events. */
export interface ScriptedMessage {
  /** Discriminator. */
  type: 'message';
  /** The complete text carried by the final `response.output_item.done` item. */
  text: string;
  /**
   * How the text is streamed: a number N splits `text` into N deltas of near-equal length;
   * an array is sent verbatim, one delta per entry. Default: one delta with the whole text.
   */
  chunks?: number | string[];
  /** Optional `phase` of the message item. */
  phase?: ScriptedMessagePhase;
  /** Item id; generated (`msg_<n>`) when omitted. */
  id?: string;
}

/** A JSON function-tool call (`type: "function_call"`), e.g. `exec_command`. */
export interface ScriptedFunctionCall {
  /** Discriminator. */
  type: 'function_call';
  /** Tool name as Codex registered it (see the `tools` of a recorded request body). */
  name: string;
  /** Arguments: a JSON string sent as-is, or a value that is JSON-encoded. */
  arguments: string | object;
  /** The `call_id` Codex echoes in its `function_call_output`; generated when omitted. */
  callId?: string;
  /** Item id; generated (`fc_<n>`) when omitted. */
  id?: string;
}

/** A freeform (custom) tool call (`type: "custom_tool_call"`), e.g. freeform `apply_patch`. */
export interface ScriptedCustomToolCall {
  /** Discriminator. */
  type: 'custom_tool_call';
  /** Tool name as Codex registered it. */
  name: string;
  /** Raw tool input (not JSON). */
  input: string;
  /** The `call_id` Codex echoes in its `custom_tool_call_output`; generated when omitted. */
  callId?: string;
  /** Item id; generated (`ctc_<n>`) when omitted. */
  id?: string;
}

/** A reasoning item whose summary is streamed as `response.reasoning_summary_text.delta`. */
export interface ScriptedReasoning {
  /** Discriminator. */
  type: 'reasoning';
  /** The summary text. */
  summary: string;
  /** Same meaning as {@link ScriptedMessage.chunks}, applied to `summary`. */
  chunks?: number | string[];
  /** Item id; generated (`rs_<n>`) when omitted. */
  id?: string;
}

/** One output item of a scripted response. */
export type ScriptedOutput =
  | ScriptedMessage
  | ScriptedFunctionCall
  | ScriptedCustomToolCall
  | ScriptedReasoning;

/** Token usage reported in `response.completed` (camelCase here, snake_case on the wire). */
export interface ScriptedUsage {
  /** Prompt tokens. Default 10. */
  inputTokens?: number;
  /** Of which cached. Default 0. */
  cachedInputTokens?: number;
  /** Completion tokens. Default: number of deltas and items emitted. */
  outputTokens?: number;
  /** Of which reasoning. Default 0. */
  reasoningOutputTokens?: number;
}

/** An HTTP failure instead of an event stream. */
export interface ScriptedHttpError {
  /** Status code, e.g. 500 or 429. */
  status: number;
  /** Response body; default: an OpenAI-style `{"error":{...}}` JSON. */
  body?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '0' }`. */
  headers?: Record<string, string>;
}

/** A `response.failed` event sent after the output items (a failure mid-stream). */
export interface ScriptedStreamFailure {
  /** Error code in `response.error.code`, e.g. `"server_error"`. */
  code?: string;
  /** Error message in `response.error.message`. */
  message: string;
}

/** What the scripted model does for one `POST /responses`: plain data, consumed in order. */
export interface ScriptedStep {
  /** Output items, streamed in order. */
  output?: ScriptedOutput[];
  /** Usage to report on `response.completed`. */
  usage?: ScriptedUsage;
  /** Pause between consecutive SSE events (ms). Default 0. */
  delayMsBetweenEvents?: number;
  /** Answer with this HTTP error instead of a stream. */
  httpError?: ScriptedHttpError;
  /** End the stream with `response.failed` instead of `response.completed`. */
  fail?: ScriptedStreamFailure;
  /** Stream the output, then never finish (until the client disconnects or `close()`). */
  hang?: boolean;
}

/** Options of {@link message}: the message's own fields plus the step's. */
export type MessageStepOptions = Omit<ScriptedMessage, 'type' | 'text'> & Omit<ScriptedStep, 'output'>;

/** Options of {@link functionCall}: the call's own fields plus the step's. */
export type FunctionCallStepOptions = Omit<ScriptedFunctionCall, 'type' | 'name' | 'arguments'> &
  Omit<ScriptedStep, 'output'>;

/** Options of {@link shellCommand}. */
export interface ShellCommandStepOptions extends FunctionCallStepOptions {
  /** `workdir` argument (default: the turn's cwd). */
  workdir?: string;
  /**
   * Ask to run outside the sandbox (`sandbox_permissions: "require_escalated"`) with this
   * justification. Under `approval_policy = "on-request"` this makes Codex send
   * `item/commandExecution/requestApproval`; a plain sandboxed command runs without asking.
   */
  escalate?: string;
  /** Further `exec_command` arguments (`tty`, `yield_time_ms`, …), merged last. */
  extraArgs?: Record<string, unknown>;
}

/** Options of {@link applyPatch}: the call's own fields plus the step's. */
export type ApplyPatchStepOptions = Omit<ScriptedCustomToolCall, 'type' | 'name' | 'input'> &
  Omit<ScriptedStep, 'output'>;

/** A step whose output is one assistant message. */
export function message(text: string, opts: MessageStepOptions = {}): ScriptedStep {
  const { chunks, phase, id, ...step } = opts;
  return { ...step, output: [compact<ScriptedMessage>({ type: 'message', text, chunks, phase, id })] };
}

/** A step whose output is one function call (arguments given as a value or a JSON string). */
export function functionCall(name: string, args: string | object, opts: FunctionCallStepOptions = {}): ScriptedStep {
  const { callId, id, ...step } = opts;
  return { ...step, output: [compact<ScriptedFunctionCall>({ type: 'function_call', name, arguments: args, callId, id })] };
}

/** A step calling Codex's shell tool: `exec_command` with `{"cmd": cmd, ...}`. */
export function shellCommand(cmd: string, opts: ShellCommandStepOptions = {}): ScriptedStep {
  const { workdir, escalate, extraArgs, ...rest } = opts;
  const args = compact({
    cmd,
    workdir,
    ...(escalate !== undefined ? { sandbox_permissions: 'require_escalated', justification: escalate } : {}),
    ...extraArgs,
  });
  return functionCall('exec_command', args, rest);
}

/**
 * A step calling Codex's freeform `apply_patch` tool with a patch in Codex's format
 * (`*** Begin Patch` … `*** End Patch`, paths relative to the turn's cwd). Codex offers that
 * tool only when the model's metadata asks for it, which `createCodexHome` arranges.
 */
export function applyPatch(patchText: string, opts: ApplyPatchStepOptions = {}): ScriptedStep {
  const { callId, id, ...step } = opts;
  return { ...step, output: [compact<ScriptedCustomToolCall>({ type: 'custom_tool_call', name: 'apply_patch', input: patchText, callId, id })] };
}

/** Drops keys whose value is `undefined`, so steps stay plain, comparable data. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

