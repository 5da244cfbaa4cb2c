import { MethodNotFoundError } from '../errors.js';
import type { ServerRequestMethod, ServerRequestResultMap } from '../protocol/methods.js';

const NO_HANDLER = 'declined by codex-rx: no handler answered';

/** A server request of codex < 0.171.0 (`{ threadId }` → `{ currentTimeAt }`, Unix seconds). */
export const LEGACY_CURRENT_TIME = 'currentTime/read';

// Typed by the generated result of each method, so a shape the binary no longer accepts fails to
// compile. Wire shapes, not the Answers helpers: this loads with the page, Answers need not
// (spec/approvals/safe-answers.spec.ts checks each equals its Answers counterpart).
const SAFE: { readonly [M in ServerRequestMethod]?: () => ServerRequestResultMap[M] } = {
  'item/commandExecution/requestApproval': () => ({ decision: 'decline' }),
  'item/fileChange/requestApproval': () => ({ decision: 'decline' }),
  'item/permissions/requestApproval': () => ({ permissions: {}, scope: 'turn' }),
  'item/tool/requestUserInput': () => ({ answers: {} }),
  'mcpServer/elicitation/request': () => ({ action: 'decline', content: null, _meta: null }),
  'item/tool/call': () => ({ contentItems: [{ type: 'inputText', text: NO_HANDLER }], success: false }),
  execCommandApproval: () => ({ decision: { denied: { rejection: NO_HANDLER } } }),
  applyPatchApproval: () => ({ decision: { denied: { rejection: NO_HANDLER } } }),
};

/**
 * The answer given when nobody claims a server request: never an acceptance. Approvals are
 * declined, permissions granted none, elicitations declined, questions answered empty, dynamic
 * tool calls failed. Methods with no safe answer (token refresh, attestation, unknown methods)
 * get a JSON-RPC "method not found" error, thrown as MethodNotFoundError.
 */
export function safeAnswer(method: ServerRequestMethod | string): unknown {
  if (method === LEGACY_CURRENT_TIME) {
    // Removed from the protocol in 0.171.0; older servers (0.169, 0.170) still ask. The
    // client's clock is no secret and grants nothing, and an error would fail the model's turn.
    return { currentTimeAt: Math.floor(Date.now() / 1000) };
  }
  const answer = Object.prototype.hasOwnProperty.call(SAFE, method) ? SAFE[method as ServerRequestMethod] : undefined;
  if (!answer) throw new MethodNotFoundError(-32601, `codex-rx has no handler for ${method}`);
  return answer();
}
