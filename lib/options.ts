import { ValidationError } from './errors.js';
import type { AskForApproval } from './protocol/generated/v2/AskForApproval.js';
import type { ApprovalsReviewer } from './protocol/generated/v2/ApprovalsReviewer.js';
import type { SandboxMode } from './protocol/generated/v2/SandboxMode.js';
import type { SandboxPolicy } from './protocol/generated/v2/SandboxPolicy.js';
import type { Personality } from './protocol/generated/Personality.js';
import type { ReasoningEffort } from './protocol/generated/ReasoningEffort.js';
import type { ReasoningSummary } from './protocol/generated/ReasoningSummary.js';
import type { JsonValue } from './protocol/generated/serde_json/JsonValue.js';

/** Sandbox presets: thread `sandbox` string and turn `sandboxPolicy` object. */
export const Sandbox = Object.freeze({
  readOnly: 'readOnly',
  workspaceWrite: 'workspaceWrite',
  fullAccess: 'fullAccess',
} as const);
export type Sandbox = (typeof Sandbox)[keyof typeof Sandbox];

/** Approval presets: who answers approval requests. */
export const ApprovalMode = Object.freeze({
  /** Codex's automatic reviewer decides (`on-request` + reviewer `auto_review`). */
  autoReview: 'autoReview',
  /** Never ask; anything needing approval is refused (`never`). */
  denyAll: 'denyAll',
  /** Ask the client: your approval handler answers (`on-request`, reviewer `user`). */
  ask: 'ask',
} as const);
export type ApprovalMode = (typeof ApprovalMode)[keyof typeof ApprovalMode];

/** Options of threadStart / threadResume / threadFork. */
export interface ThreadOptions {
  model?: string;
  modelProvider?: string;
  cwd?: string;
  sandbox?: Sandbox;
  approvalMode?: ApprovalMode;
  baseInstructions?: string;
  developerInstructions?: string;
  personality?: Personality;
  /** threadStart/threadFork only: do not persist the thread. */
  ephemeral?: boolean;
  /** Per-thread config overrides (`config.toml` keys). */
  config?: { [key: string]: JsonValue };
  serviceTier?: string;
  /** threadStart only. */
  serviceName?: string;
}

/** Options of a turn (each persists for later turns of the thread, as the server does). */
export interface TurnOptions {
  model?: string;
  cwd?: string;
  effort?: ReasoningEffort;
  summary?: ReasoningSummary;
  sandbox?: Sandbox;
  approvalMode?: ApprovalMode;
  /** JSON Schema the final answer must follow; `run()` parses and validates the answer. */
  outputSchema?: { [key: string]: JsonValue };
  personality?: Personality;
  serviceTier?: string;
}

const SANDBOX_MODES: Record<Sandbox, SandboxMode> = { readOnly: 'read-only', workspaceWrite: 'workspace-write', fullAccess: 'danger-full-access' };

function sandboxPolicy(s: Sandbox): SandboxPolicy {
  switch (s) {
    case 'readOnly':
      return { type: 'readOnly', networkAccess: false };
    case 'workspaceWrite':
      return { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false };
    case 'fullAccess':
      return { type: 'dangerFullAccess' };
  }
}

function approval(mode: ApprovalMode): { approvalPolicy: AskForApproval; approvalsReviewer?: ApprovalsReviewer } {
  switch (mode) {
    case 'autoReview':
      return { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' };
    case 'denyAll':
      return { approvalPolicy: 'never' };
    case 'ask':
      return { approvalPolicy: 'on-request', approvalsReviewer: 'user' };
  }
}

/** What is wrong with an option's value, or undefined. */
type Check = (value: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');
const isObject: Check = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be an object');
const isSandbox: Check = (v) =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(SANDBOX_MODES, v) ? undefined : `must be one of Sandbox.${Object.keys(SANDBOX_MODES).join(', Sandbox.')}`;
const isApprovalMode: Check = (v) =>
  Object.values(ApprovalMode).includes(v as ApprovalMode) ? undefined : `must be one of ApprovalMode.${Object.keys(ApprovalMode).join(', ApprovalMode.')}`;
/** Wire enums (personality, effort, summary): the protocol's params validation words those. */
const asIs: Check = () => undefined;

// Typed by the option interfaces: a new option fails to compile until it is listed here.
const THREAD_CHECKS: { readonly [K in keyof Required<ThreadOptions>]: Check } = {
  model: isString,
  modelProvider: isString,
  cwd: isString,
  sandbox: isSandbox,
  approvalMode: isApprovalMode,
  baseInstructions: isString,
  developerInstructions: isString,
  personality: asIs,
  ephemeral: isBoolean,
  config: isObject,
  serviceTier: isString,
  serviceName: isString,
};
const TURN_CHECKS: { readonly [K in keyof Required<TurnOptions>]: Check } = {
  model: isString,
  cwd: isString,
  effort: asIs,
  summary: asIs,
  sandbox: isSandbox,
  approvalMode: isApprovalMode,
  outputSchema: isObject,
  personality: asIs,
  serviceTier: isString,
};

function check(subject: string, options: object | undefined, checks: Readonly<Record<string, Check>>): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(subject, [{ path: '', message: 'options must be an object' }]);
  }
  const o = options as Record<string, unknown>;
  const issues = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const problem = Object.prototype.hasOwnProperty.call(checks, k) ? checks[k]!(v) : `is not a known option (known: ${Object.keys(checks).join(', ')})`;
    if (problem) issues.push({ path: k, message: problem });
  }
  if (issues.length > 0) throw new ValidationError(subject, issues);
  return o;
}

/** Thread options → wire params of thread/start, thread/resume, thread/fork. */
export function threadParams(options: ThreadOptions | undefined, subject = 'thread options'): Record<string, unknown> {
  const o = check(subject, options, THREAD_CHECKS);
  const { sandbox, approvalMode, ...rest } = o as ThreadOptions;
  const out: Record<string, unknown> = dropUndefined(rest);
  if (sandbox !== undefined) out.sandbox = SANDBOX_MODES[sandbox];
  if (approvalMode !== undefined) Object.assign(out, approval(approvalMode));
  return out;
}

/** Turn options → wire params of turn/start (without threadId and input). */
export function turnParams(options: TurnOptions | undefined): Record<string, unknown> {
  const o = check('turn options', options, TURN_CHECKS);
  const { sandbox, approvalMode, ...rest } = o as TurnOptions;
  const out: Record<string, unknown> = dropUndefined(rest);
  if (sandbox !== undefined) out.sandboxPolicy = sandboxPolicy(sandbox);
  if (approvalMode !== undefined) Object.assign(out, approval(approvalMode));
  return out;
}

function dropUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
