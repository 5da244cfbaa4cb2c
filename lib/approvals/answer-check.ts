import type { ValidationIssue } from '../errors.js';
import { LEGACY_CURRENT_TIME } from './safe-answers.js';

const APPROVAL_DECISIONS = ['accept', 'acceptForSession', 'decline', 'cancel'] as const;
const REVIEW_DECISIONS = ['approved', 'approved_for_session', 'approved_mcp_policy_amendment', 'timed_out', 'abort'] as const;

/**
 * Cheap shape check of an answer before it is sent: a typo (`{ decision: 'yes' }`, `'accept'`
 * instead of `{ decision: 'accept' }`) must not reach the server, where its meaning is
 * undefined. Empty = fine. Only the fields that decide what happens are checked.
 */
export function answerIssues(method: string, result: unknown): ValidationIssue[] {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    return [{ path: '', message: `must be an object, got ${result === null ? 'null' : Array.isArray(result) ? 'an array' : typeof result}` }];
  }
  const r = result as Record<string, unknown>;
  switch (method) {
    case 'item/commandExecution/requestApproval':
      return decision(r.decision, APPROVAL_DECISIONS, ['acceptWithExecpolicyAmendment', 'applyNetworkPolicyAmendment']);
    case 'item/fileChange/requestApproval':
      return decision(r.decision, APPROVAL_DECISIONS, []);
    case 'execCommandApproval':
    case 'applyPatchApproval':
      return decision(r.decision, REVIEW_DECISIONS, ['approved_execpolicy_amendment', 'network_policy_amendment', 'denied']);
    case 'item/permissions/requestApproval':
      return [
        ...(isObject(r.permissions) ? [] : [{ path: 'permissions', message: 'must be an object' }]),
        ...(r.scope === 'turn' || r.scope === 'session' ? [] : [{ path: 'scope', message: 'must be "turn" or "session"' }]),
      ];
    case 'item/tool/requestUserInput':
      return isObject(r.answers) ? [] : [{ path: 'answers', message: 'must be an object (question id → { answers: string[] })' }];
    case 'mcpServer/elicitation/request':
      return r.action === 'accept' || r.action === 'decline' || r.action === 'cancel' ? [] : [{ path: 'action', message: 'must be "accept", "decline" or "cancel"' }];
    case 'item/tool/call':
      return [
        ...(Array.isArray(r.contentItems) ? [] : [{ path: 'contentItems', message: 'must be an array' }]),
        ...(typeof r.success === 'boolean' ? [] : [{ path: 'success', message: 'must be a boolean' }]),
      ];
    case LEGACY_CURRENT_TIME:
      return typeof r.currentTimeAt === 'number' ? [] : [{ path: 'currentTimeAt', message: 'must be a number (Unix seconds)' }];
    default:
      return [];
  }
}

function decision(value: unknown, names: readonly string[], objectKeys: readonly string[]): ValidationIssue[] {
  if (typeof value === 'string' && names.includes(value)) return [];
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && objectKeys.includes(keys[0]!)) return [];
  }
  const allowed = [...names.map((n) => JSON.stringify(n)), ...objectKeys.map((k) => `{ ${k}: … }`)].join(', ');
  return [{ path: 'decision', message: `must be one of ${allowed}; got ${JSON.stringify(value) ?? 'undefined'}` }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
