import type { ValidateFunction } from 'ajv';
import { answerIssues } from '../approvals/answer-check.js';
import type { ValidationIssue } from '../errors.js';
import { issuesOf } from '../validation/explain.js';
import * as VALIDATORS from './answer-validators.generated.js';
import { escalationOf, grantsAnything } from './escalation.js';
import { GATEWAY_ANSWER_SCHEMA_TEXT, PAGE_ANSWERED_RESULTS } from './params-fields.generated.js';
import type { GatewayPolicy } from './policy.js';
import { firstOverLong, overBytes } from './utf8-length.js';

/** A server request the gateway sent to a page, as the gateway remembers it. */
export interface AskedRequest {
  readonly method: string;
  readonly params: unknown;
}

/** A checked answer, ready to re-serialise (exactly one of the two), or why it was refused. */
export type AnswerVerdict = { readonly result: unknown; readonly error?: undefined } | { readonly error: { readonly code: number; readonly message: string }; readonly result?: undefined } | { readonly refuse: string };

// Strict answer schemas (every object closed), compiled at `npm run generate`.
const validators = VALIDATORS as unknown as Readonly<Record<string, ValidateFunction | undefined>>;
let schema: { readonly definitions: Record<string, unknown> } | undefined;
const definitions = () => (schema ??= JSON.parse(GATEWAY_ANSWER_SCHEMA_TEXT) as { readonly definitions: Record<string, unknown> }).definitions;

/** Legacy `ReviewDecision`s by the v2 decision they amount to. */
const REVIEW_DECISIONS: Readonly<Record<string, string>> = {
  approved: 'accept',
  approved_for_session: 'acceptForSession',
  approved_execpolicy_amendment: 'acceptWithExecpolicyAmendment',
  approved_mcp_policy_amendment: 'acceptWithMcpPolicyAmendment',
  network_policy_amendment: 'applyNetworkPolicyAmendment',
  denied: 'decline',
  timed_out: 'cancel',
  abort: 'cancel',
};

/**
 * Checks a page's answer to `request` (a server request the gateway sent it): only requests a
 * page may answer (PAGE_ANSWERED_RESULTS), the result valid against that request's strict answer
 * schema (unknown fields refused), its decision among `allowedDecisions` (and only a refusal when
 * the request is an escalation the operator did not allow), a permission grant within what was
 * asked, strings within maxStringBytes. An error answer keeps only its code and message.
 */
export function admitAnswer(request: AskedRequest, answer: { readonly result?: unknown; readonly error?: unknown }, policy: GatewayPolicy): AnswerVerdict {
  const { method } = request;
  const definition = Object.prototype.hasOwnProperty.call(PAGE_ANSWERED_RESULTS, method) ? PAGE_ANSWERED_RESULTS[method]! : undefined;
  if (definition === undefined) return { refuse: `a page may not answer ${method}` };
  if ((answer.result === undefined) === (answer.error === undefined)) return { refuse: 'an answer has exactly one of result and error' };
  if (answer.error !== undefined) {
    const e = answer.error as { code?: unknown; message?: unknown } | null;
    if (e === null || typeof e !== 'object' || Array.isArray(e) || !Number.isInteger(e.code) || typeof e.message !== 'string') return { refuse: 'error must be { code: integer, message: string }' };
    if (overBytes(e.message, policy.maxStringBytes)) return { refuse: `error.message is longer than ${policy.maxStringBytes} bytes` };
    return { error: { code: e.code as number, message: e.message } };
  }
  const result = answer.result;
  const validate = validators[definition];
  if (!validate) return { refuse: `could not be validated: no validator for ${definition}` };
  // The client's own answer check first: it words a wrong decision best (lists the choices).
  const issues = nonEmpty(answerIssues(method, result)) ?? issuesOf(validate, { $ref: `#/definitions/${definition}`, definitions: definitions() }, result);
  if (issues !== undefined) {
    const first = issues[0]!;
    return { refuse: `result${first.path === '' ? '' : first.path.startsWith('[') ? first.path : `.${first.path}`} ${first.message}` };
  }
  const decision = decisionOf(method, result as Record<string, unknown>, request.params);
  if (decision !== undefined) {
    const escalation = escalationOf(method, request.params);
    if (escalation !== undefined && !policy.allowEscalation && decision !== 'decline' && decision !== 'cancel') {
      return { refuse: `the request ${escalation}; the gateway allows only decline or cancel` };
    }
    if (!policy.allowedDecisions.has(decision)) return { refuse: `decision ${decision} is not allowed by the gateway (allowed: ${[...policy.allowedDecisions].join(', ')})` };
  }
  if (method === 'item/permissions/requestApproval') {
    const asked = (request.params as { permissions?: unknown } | null)?.permissions;
    const extra = beyond((result as { permissions?: unknown }).permissions, asked, 'result.permissions');
    if (extra !== undefined) return { refuse: `${extra} grants more than was asked` };
  }
  const long = firstOverLong(result, 'result', policy.maxStringBytes);
  if (long !== undefined) return { refuse: `${long} is longer than ${policy.maxStringBytes} bytes` };
  return { result };
}

/** The decision an answer carries (v2 names), undefined for answers that carry none. */
function decisionOf(method: string, result: Record<string, unknown>, params: unknown): string | undefined {
  switch (method) {
    case 'item/commandExecution/requestApproval':
    case 'item/fileChange/requestApproval':
      return choice(result.decision);
    case 'execCommandApproval':
    case 'applyPatchApproval': {
      const d = choice(result.decision);
      return d === undefined ? undefined : (REVIEW_DECISIONS[d] ?? d);
    }
    case 'item/permissions/requestApproval':
      if (!grantsAnything(result.permissions)) return 'decline';
      return result.scope === 'session' ? 'acceptForSession' : 'accept';
    case 'mcpServer/elicitation/request':
      return typeof result.action === 'string' ? result.action : undefined;
    default:
      void params;
      return undefined;
  }
}

/** `"accept"` → accept; `{ acceptWithExecpolicyAmendment: … }` → its key. */
function choice(d: unknown): string | undefined {
  if (typeof d === 'string') return d;
  if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
    const keys = Object.keys(d);
    return keys.length === 1 ? keys[0] : undefined;
  }
  return undefined;
}

/**
 * Path of the first part of `given` not within `asked` (objects key by key, arrays element by
 * element: each given element equal to one asked), or undefined. Null/absent grants nothing.
 */
function beyond(given: unknown, asked: unknown, path: string): string | undefined {
  if (given === null || given === undefined || given === false) return undefined;
  if (Array.isArray(given)) {
    if (!Array.isArray(asked)) return path;
    for (let i = 0; i < given.length; i++) if (!asked.some((a) => beyond(given[i], a, '') === undefined && beyond(a, given[i], '') === undefined)) return `${path}[${i}]`;
    return undefined;
  }
  if (typeof given === 'object') {
    if (asked === null || typeof asked !== 'object' || Array.isArray(asked)) return path;
    for (const [k, v] of Object.entries(given)) {
      const found = beyond(v, (asked as Record<string, unknown>)[k], `${path}.${k}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return given === asked ? undefined : path;
}

function nonEmpty(issues: ValidationIssue[]): ValidationIssue[] | undefined {
  return issues.length > 0 ? issues : undefined;
}
