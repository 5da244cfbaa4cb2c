/**
 * The policy of codex-rx/gateway: which client→server messages may reach the app-server, with
 * which fields, and which answers a page may give. Pure: no I/O, so it is unit-tested on its own.
 * The checks themselves: frame-policy.ts (frames), field-policy.ts (params), answer-policy.ts
 * (answers), escalation.ts (server requests the gateway answers itself).
 */
import { ValidationError, type ValidationIssue } from '../errors.js';
import { GATEWAY_METHOD_FIELDS } from './params-fields.generated.js';

/**
 * Client→server methods a chat or progress UI needs. Each reaches only the principal's own
 * app-server (its own CODEX_HOME and workspace), so listing and reading threads shows the
 * principal's own threads, never another's. Every field of each is checked (field-policy.ts).
 */
export const DEFAULT_ALLOWED_METHODS: readonly string[] = Object.freeze([
  // Handshake: the hub answers it from its own, once-per-principal handshake.
  'initialize',
  'initialized',
  // Start or continue a conversation, in the cwd, sandbox and approval settings the operator chose.
  'thread/start',
  'thread/resume',
  'thread/fork',
  // Read the principal's own threads (one home per principal): what a thread list and history view need.
  'thread/read',
  'thread/list',
  'thread/loaded/list',
  'thread/turns/list',
  'thread/items/list',
  'thread/items/read',
  // Manage the principal's own threads (name size-limited by maxStringBytes).
  'thread/name/set',
  'thread/archive',
  'thread/unarchive',
  'thread/unsubscribe',
  'thread/compact/start',
  // Send input (text and image URLs only), steer or stop the running turn.
  'turn/start',
  'turn/steer',
  'turn/interrupt',
  // Read-only: the models to offer (a page may pick only the operator's `models`), the account and its limits.
  'model/list',
  'account/read',
  'account/rateLimits/read',
]);

/** What a custom policy function sees of one client→server request or notification. */
export interface MethodCall {
  readonly method: string;
  readonly params: unknown;
  /** What `authenticate` returned for this connection (its principal). */
  readonly auth: unknown;
}

/**
 * `allowedMethods`: a list of method names, or a function deciding per call. Either way only
 * methods whose fields the gateway can check (GATEWAY_METHOD_FIELDS) ever pass.
 */
export type MethodPolicy = readonly string[] | ((call: MethodCall) => boolean);

/** Decisions a page may give an approval when the operator allows no more (`allowedDecisions`). */
export const DEFAULT_ALLOWED_DECISIONS: readonly AnswerDecision[] = Object.freeze(['accept', 'decline', 'cancel']);

/**
 * Every decision an approval answer can carry, by its v2 name (the legacy `ReviewDecision`s map
 * onto these: approved = accept, denied = decline, abort/timed_out = cancel, …).
 * `acceptForSession` and the amendments outlive the request: a session-wide grant, a persistent
 * exec-policy rule in CODEX_HOME/rules, a network rule.
 */
export const ANSWER_DECISIONS = Object.freeze(['accept', 'decline', 'cancel', 'acceptForSession', 'acceptWithExecpolicyAmendment', 'applyNetworkPolicyAmendment', 'acceptWithMcpPolicyAmendment'] as const);
export type AnswerDecision = (typeof ANSWER_DECISIONS)[number];

/** Default `maxStringBytes`: any string a page sends (a thread name, an id), UTF-8 bytes. */
export const DEFAULT_MAX_STRING_BYTES = 64 * 1024;
/** Default `maxInputBytes`: the text of one turn's input items together, UTF-8 bytes. */
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024;

/** Options of {@link compileGatewayPolicy} (the gateway's options of the same names). */
export interface GatewayPolicyOptions {
  /** Client→server methods that pass (default DEFAULT_ALLOWED_METHODS), or a function deciding per call. */
  readonly allowedMethods?: MethodPolicy;
  /** Models a page may choose (`model` of thread/start, thread/resume, thread/fork, turn/start); default none. */
  readonly models?: readonly string[];
  /** Decisions a page may answer approvals with (default accept, decline, cancel). */
  readonly allowedDecisions?: readonly string[];
  /** Let a page answer server requests that ask to leave the sandbox or for more permissions (default false: the gateway declines them). */
  readonly allowEscalation?: boolean;
  /** Largest string a page may send, in UTF-8 bytes (default 64 KiB); the input text has its own limit. */
  readonly maxStringBytes?: number;
  /** Largest total text of one request's input items, in UTF-8 bytes (default 1 MiB). */
  readonly maxInputBytes?: number;
}

/** A compiled policy: what admitClientFrame / admitAnswer check against. Immutable. */
export interface GatewayPolicy {
  /** Whether `method` may pass for `principal` (its fields are checked after). */
  allowsMethod(method: string, params: unknown, principal: unknown): boolean;
  readonly models: ReadonlySet<string>;
  readonly allowedDecisions: ReadonlySet<string>;
  readonly allowEscalation: boolean;
  readonly maxStringBytes: number;
  readonly maxInputBytes: number;
}

/**
 * Checks the policy options and builds the policy. Throws a ValidationError naming each bad
 * option: a listed method the gateway cannot check field by field, an unknown decision, a bad limit.
 */
export function compileGatewayPolicy(options: GatewayPolicyOptions = {}): GatewayPolicy {
  const issues: ValidationIssue[] = [];
  const allowed = options.allowedMethods ?? DEFAULT_ALLOWED_METHODS;
  let allowsMethod: GatewayPolicy['allowsMethod'];
  if (typeof allowed === 'function') {
    allowsMethod = (method, params, principal) => checkable(method) && allowed({ method, params, auth: principal }) === true;
  } else if (Array.isArray(allowed) && allowed.every((m) => typeof m === 'string')) {
    const unknown = allowed.filter((m) => !checkable(m));
    if (unknown.length > 0) issues.push({ path: 'allowedMethods', message: `names methods the gateway cannot check field by field: ${unknown.join(', ')} (checkable: ${Object.keys(GATEWAY_METHOD_FIELDS).join(', ')})` });
    const names = new Set(allowed);
    allowsMethod = (method) => names.has(method);
  } else {
    issues.push({ path: 'allowedMethods', message: 'must be a list of method names or a function' });
    allowsMethod = () => false;
  }
  const models = stringList(options.models, 'models', issues);
  const decisions = stringList(options.allowedDecisions ?? DEFAULT_ALLOWED_DECISIONS, 'allowedDecisions', issues);
  for (const d of decisions) if (!(ANSWER_DECISIONS as readonly string[]).includes(d)) issues.push({ path: 'allowedDecisions', message: `${JSON.stringify(d)} is not a decision (known: ${ANSWER_DECISIONS.join(', ')})` });
  if (options.allowEscalation !== undefined && typeof options.allowEscalation !== 'boolean') issues.push({ path: 'allowEscalation', message: 'must be a boolean' });
  const maxStringBytes = limit(options.maxStringBytes, DEFAULT_MAX_STRING_BYTES, 'maxStringBytes', issues);
  const maxInputBytes = limit(options.maxInputBytes, DEFAULT_MAX_INPUT_BYTES, 'maxInputBytes', issues);
  if (issues.length > 0) throw new ValidationError('gateway policy options', issues);
  return Object.freeze({
    allowsMethod,
    models: new Set(models),
    allowedDecisions: new Set(decisions),
    allowEscalation: options.allowEscalation === true,
    maxStringBytes,
    maxInputBytes,
  });
}

function checkable(method: string): boolean {
  return Object.prototype.hasOwnProperty.call(GATEWAY_METHOD_FIELDS, method);
}

function stringList(value: unknown, path: string, issues: ValidationIssue[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) {
    issues.push({ path, message: 'must be a list of strings' });
    return [];
  }
  return [...(value as string[])];
}

function limit(value: unknown, fallback: number, path: string, issues: ValidationIssue[]): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    issues.push({ path, message: 'must be a positive integer' });
    return fallback;
  }
  return value;
}

// ---- the key-based check of codex-rx ≤ 0.x (kept for the per-connection session) ----------------

/**
 * Params that would let a page widen what the app-server may touch, per method.
 * @deprecated A denylist of keys misses positional (array) params and duplicate keys; the gateway
 * now parses, checks every field against an allow-list (GATEWAY_METHOD_FIELDS) and re-serialises:
 * see compileGatewayPolicy and admitClientFrame.
 */
export const RESTRICTED_PARAMS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'thread/start': ['config', 'cwd', 'sandbox', 'permissions', 'runtimeWorkspaceRoots', 'environments', 'selectedCapabilityRoots'],
  'thread/resume': ['config', 'cwd', 'sandbox', 'permissions', 'runtimeWorkspaceRoots', 'path', 'history'],
  'thread/fork': ['config', 'cwd', 'sandbox', 'permissions', 'runtimeWorkspaceRoots', 'path'],
  'turn/start': ['cwd', 'sandboxPolicy', 'permissions', 'runtimeWorkspaceRoots', 'environments'],
});

/** Input items that name a path on the gateway's host (the app-server would read that file). */
const PATH_INPUTS = new Set(['localImage', 'localAudio', 'skill', 'mention']);
const INPUT_METHODS = new Set(['turn/start', 'turn/steer']);

/**
 * A compiled key-based policy: `undefined` when the call may pass, else why not.
 * @deprecated See {@link RESTRICTED_PARAMS}.
 */
export type PolicyCheck = (method: string, params: unknown, auth: unknown) => string | undefined;

/**
 * Builds the key-based check.
 * @deprecated See {@link RESTRICTED_PARAMS}; use compileGatewayPolicy and admitClientFrame.
 */
export function compilePolicy(allowed: MethodPolicy = DEFAULT_ALLOWED_METHODS, restrictParams = true): PolicyCheck {
  const byName = typeof allowed === 'function' ? undefined : new Set(allowed);
  return (method, params, auth) => {
    const ok = byName ? byName.has(method) : (allowed as (call: MethodCall) => boolean)({ method, params, auth });
    if (!ok) return 'not in the allowed methods';
    return restrictParams ? restrictedParam(method, params) : undefined;
  };
}

/**
 * Why the params of `method` ask for more than a page may (see RESTRICTED_PARAMS), or undefined.
 * @deprecated See {@link RESTRICTED_PARAMS}.
 */
export function restrictedParam(method: string, params: unknown): string | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const p = params as Record<string, unknown>;
  const keys = RESTRICTED_PARAMS[method];
  if (keys) for (const k of keys) if (p[k] !== undefined && p[k] !== null) return `param "${k}" is chosen by the server, not the client`;
  if (INPUT_METHODS.has(method) && Array.isArray(p.input)) {
    for (const item of p.input) {
      const type = (item as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && PATH_INPUTS.has(type)) return `input items of type "${type}" name a path on the server`;
    }
  }
  return undefined;
}
