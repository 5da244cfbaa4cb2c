import { MethodNotFoundError } from '../errors.js';
import { safeAnswer } from '../approvals/safe-answers.js';
import { logSafe } from './log-safe.js';

/**
 * Why this server request asks for more than the sandbox allows (to run outside it, to write
 * where it may not, for extra permissions or network access), or undefined. The gateway answers
 * such a request itself ({@link safeAnswerFor}) unless the operator set `allowEscalation`.
 *
 * Approvals are escalations by what they are, not by a flag: on codex 0.171.0 under
 * `on-request`, a command the sandbox allows runs without asking; the app-server asks only when
 * the model wants it run outside the sandbox (`sandbox_permissions: "require_escalated"`: the
 * request then has `kind: "command"`, the model's justification as `reason`, and nothing that
 * says "escalated"), with additional permissions, or with network access. A file change asks
 * only when the sandbox would not let it write there. Only a `humanCommand` checkpoint (a managed
 * human decision, no command of its own) is not one.
 */
export function escalationOf(method: string, params: unknown): string | undefined {
  const p = (params !== null && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  switch (method) {
    case 'item/commandExecution/requestApproval':
      if (p.kind === 'humanCommand') return undefined;
      if (grantsAnything(p.additionalPermissions)) return 'asks to run a command with additional permissions';
      if (isObject(p.networkApprovalContext)) return `asks for network access to ${logSafe(p.networkApprovalContext.host, 100)}`;
      return 'asks to run a command outside the sandbox';
    case 'execCommandApproval':
      return 'asks to run a command outside the sandbox';
    case 'item/fileChange/requestApproval':
    case 'applyPatchApproval':
      if (typeof p.grantRoot === 'string') return `asks to write under ${logSafe(p.grantRoot, 100)} for the rest of the session`;
      return 'asks to write files the sandbox does not allow';
    case 'item/permissions/requestApproval':
      return 'asks for additional permissions';
    default:
      return undefined;
  }
}

/** A JSON-RPC answer to a server request: a result, or an error. */
export type ServerRequestAnswer = { readonly result: unknown } | { readonly error: { readonly code: number; readonly message: string } };

/**
 * What the gateway answers a server request itself (an escalation it may not let a page grant,
 * a request no page may answer, a request nobody answered): the answer that grants nothing
 * (lib/approvals/safe-answers.ts: decline, grant no permissions, empty answers, a failed tool
 * call); a request with no such answer (token refresh, attestation, unknown) gets an error.
 */
export function safeAnswerFor(method: string, _params?: unknown): ServerRequestAnswer {
  try {
    return { result: safeAnswer(method) };
  } catch (e) {
    if (e instanceof MethodNotFoundError) return { error: { code: e.code, message: `the gateway does not answer ${logSafe(method, 100)}` } };
    throw e;
  }
}

/** True when a permission profile asks for or grants anything (a value other than null, false, or empties of those). */
export function grantsAnything(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (Array.isArray(v)) return v.some(grantsAnything);
  if (typeof v === 'object') return Object.values(v).some(grantsAnything);
  return true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
