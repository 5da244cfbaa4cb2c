import type { ValidationIssue } from '../errors.js';
import type { InitializeResponse } from '../protocol/generated/InitializeResponse.js';
import { validateParams as check } from './params-validator.js';

// The public `validateParams` lives in a file of its own on purpose: esbuild (so Angular's
// builder) puts every file the entry imports into the first load when that file is live at all,
// and params-validator.ts is live through the client's `import()` (lazy-validators.ts). This
// wrapper is dropped when an app does not call it, and the validators stay in their own chunk.

/**
 * Checks the params of a client request against the JSON Schema the pinned codex binary
 * generated, before anything is sent (validators compiled ahead of time, no `eval`). Returns the
 * issues — each a JSON path like `input[0].type` and a message like `must be one of text, image, …`
 * — or undefined when the params conform. Never throws. A method the protocol does not know is
 * refused with the closest known names, unless `server` (an `initialize` answer) is newer than
 * the protocol. Calling it puts the validators into the bundle that imports it.
 */
export function validateParams(method: string, params: unknown, server?: Pick<InitializeResponse, 'userAgent'>): ValidationIssue[] | undefined {
  return check(method, params, server);
}
