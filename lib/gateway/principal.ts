/** Who a connection is: what `authenticate` returns for an accepted token. */
export interface Principal {
  /** Stable id of the user (any string; the gateway maps it to a directory name safely). */
  readonly id: string;
  readonly [key: string]: unknown;
}

/** What `authenticate` may return: a principal, or undefined/null/false to refuse. */
export type AuthenticateResult = Principal | undefined | null | false;

/**
 * The principal in what `authenticate` returned: `'refused'` for undefined/null/false,
 * `'invalid'` for anything else that is not an object with a non-empty string `id` (true, a
 * string, `{}`…): the gateway refuses those too, and logs why.
 */
export function principalOf(result: unknown): Principal | 'refused' | 'invalid' {
  if (result === undefined || result === null || result === false) return 'refused';
  if (typeof result !== 'object' || Array.isArray(result)) return 'invalid';
  const id = (result as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? (result as Principal) : 'invalid';
}
