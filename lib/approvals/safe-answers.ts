import { MethodNotFoundError } from '../errors.js';
import type { ServerRequestMethod, ServerRequestResultMap } from '../protocol/methods.js';
import { Answers } from './answers.js';

const NO_HANDLER = 'declined by codex-rx: no handler answered';

/** A server request of codex < 0.171.0 (`{ threadId }` → `{ currentTimeAt }`, Unix seconds). */
export const LEGACY_CURRENT_TIME = 'currentTime/read';

// Typed by the generated result of each method, so a shape the binary no longer accepts fails to compile.
const SAFE: { readonly [M in ServerRequestMethod]?: () => ServerRequestResultMap[M] } = {
  'item/commandExecution/requestApproval': Answers.decline,
  'item/fileChange/requestApproval': Answers.decline,
  'item/permissions/requestApproval': Answers.denyPermissions,
  'item/tool/requestUserInput': () => Answers.answerQuestions({}),
  'mcpServer/elicitation/request': Answers.declineElicitation,
  'item/tool/call': () => Answers.toolResult(NO_HANDLER, false),
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
