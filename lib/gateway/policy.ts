/**
 * The method policy of codex-rx/gateway: which client→server messages may reach the app-server.
 * Pure: no I/O, so it is unit-tested on its own.
 */

/**
 * Client→server requests a chat or progress UI needs and that cannot reach beyond the thread the
 * app-server runs for this user. See docs/gateway.md for why each is safe.
 */
export const DEFAULT_ALLOWED_METHODS: readonly string[] = Object.freeze([
  // Handshake.
  'initialize',
  'initialized',
  // Thread lifecycle and reading thread state (the app-server's own conversations, not files).
  'thread/start',
  'thread/resume',
  'thread/fork',
  'thread/read',
  'thread/list',
  'thread/loaded/list',
  'thread/turns/list',
  'thread/items/list',
  'thread/items/read',
  'thread/name/set',
  'thread/archive',
  'thread/unarchive',
  'thread/unsubscribe',
  'thread/compact/start',
  // Turn lifecycle.
  'turn/start',
  'turn/steer',
  'turn/interrupt',
  // Reading models and account state.
  'model/list',
  'account/read',
  'account/rateLimits/read',
]);

/**
 * Params that would let a page widen what the app-server may touch (config overrides, working
 * directory, sandbox, permissions, extra roots, rollout paths), per method. With the default
 * `restrictParams: true` a request that sets any of them is refused; choose these on the server
 * (the upstream's `cwd`, `configOverrides`, CODEX_HOME) instead.
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

/** What a custom policy function sees of one client→server request or notification. */
export interface MethodCall {
  readonly method: string;
  readonly params: unknown;
  /** What `authenticate` returned for this connection. */
  readonly auth: unknown;
}

/** `allowedMethods`: a list of method names, or a function deciding per call. */
export type MethodPolicy = readonly string[] | ((call: MethodCall) => boolean);

/** A compiled policy: `undefined` when the call may pass, else why not. */
export type PolicyCheck = (method: string, params: unknown, auth: unknown) => string | undefined;

/** Builds the check the gateway runs on every client→server request and notification. */
export function compilePolicy(allowed: MethodPolicy = DEFAULT_ALLOWED_METHODS, restrictParams = true): PolicyCheck {
  const byName = typeof allowed === 'function' ? undefined : new Set(allowed);
  return (method, params, auth) => {
    const ok = byName ? byName.has(method) : (allowed as (call: MethodCall) => boolean)({ method, params, auth });
    if (!ok) return 'not in the allowed methods';
    return restrictParams ? restrictedParam(method, params) : undefined;
  };
}

/** Why the params of `method` ask for more than a page may (see RESTRICTED_PARAMS), or undefined. */
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
