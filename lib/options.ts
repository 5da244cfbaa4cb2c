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

const THREAD_KEYS = ['model', 'modelProvider', 'cwd', 'sandbox', 'approvalMode', 'baseInstructions', 'developerInstructions', 'personality', 'ephemeral', 'config', 'serviceTier', 'serviceName'] as const;
const TURN_KEYS = ['model', 'cwd', 'effort', 'summary', 'sandbox', 'approvalMode', 'outputSchema', 'personality', 'serviceTier'] as const;
const STRING_KEYS = new Set(['model', 'modelProvider', 'cwd', 'baseInstructions', 'developerInstructions', 'serviceTier', 'serviceName']);

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

function check(subject: string, options: object | undefined, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(subject, [{ path: '', message: 'options must be an object' }]);
  }
  const o = options as Record<string, unknown>;
  const issues = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (!allowed.includes(k)) issues.push({ path: k, message: `is not a known option (known: ${allowed.join(', ')})` });
    else if (STRING_KEYS.has(k) && typeof v !== 'string') issues.push({ path: k, message: 'must be a string' });
    else if (k === 'sandbox' && !(typeof v === 'string' && Object.prototype.hasOwnProperty.call(SANDBOX_MODES, v))) issues.push({ path: k, message: `must be one of Sandbox.${Object.keys(SANDBOX_MODES).join(', Sandbox.')}` });
    else if (k === 'approvalMode' && !Object.values(ApprovalMode).includes(v as ApprovalMode)) {
      issues.push({ path: k, message: `must be one of ApprovalMode.${Object.keys(ApprovalMode).join(', ApprovalMode.')}` });
    } else if ((k === 'config' || k === 'outputSchema') && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      issues.push({ path: k, message: 'must be an object' });
    } else if (k === 'ephemeral' && typeof v !== 'boolean') issues.push({ path: k, message: 'must be a boolean' });
  }
  if (issues.length > 0) throw new ValidationError(subject, issues);
  return o;
}

/** Thread options → wire params of thread/start, thread/resume, thread/fork. */
export function threadParams(options: ThreadOptions | undefined, subject = 'thread options'): Record<string, unknown> {
  const o = check(subject, options, THREAD_KEYS);
  const { sandbox, approvalMode, ...rest } = o as ThreadOptions;
  const out: Record<string, unknown> = dropUndefined(rest);
  if (sandbox !== undefined) out.sandbox = SANDBOX_MODES[sandbox];
  if (approvalMode !== undefined) Object.assign(out, approval(approvalMode));
  return out;
}

/** Turn options → wire params of turn/start (without threadId and input). */
export function turnParams(options: TurnOptions | undefined): Record<string, unknown> {
  const o = check('turn options', options, TURN_KEYS);
  const { sandbox, approvalMode, ...rest } = o as TurnOptions;
  const out: Record<string, unknown> = dropUndefined(rest);
  if (sandbox !== undefined) out.sandboxPolicy = sandboxPolicy(sandbox);
  if (approvalMode !== undefined) Object.assign(out, approval(approvalMode));
  return out;
}

function dropUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
