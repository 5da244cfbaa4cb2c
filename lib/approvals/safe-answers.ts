import { MethodNotFoundError } from '../errors.js';
import type { ServerRequestMethod } from '../protocol/methods.js';

const NO_HANDLER = 'declined by codex-rx: no handler answered';

/** A server request of codex < 0.171.0 (`{ threadId }` → `{ currentTimeAt }`, Unix seconds). */
export const LEGACY_CURRENT_TIME = 'currentTime/read';

/**
 * The answer given when nobody claims a server request: never an acceptance. Approvals are
 * declined, permissions granted none, elicitations declined, questions answered empty, dynamic
 * tool calls failed. Methods with no safe answer (token refresh, attestation, unknown methods)
 * get a JSON-RPC "method not found" error, thrown as MethodNotFoundError.
 */
export function safeAnswer(method: ServerRequestMethod | string): unknown {
  switch (method) {
    case 'item/commandExecution/requestApproval':
    case 'item/fileChange/requestApproval':
      return { decision: 'decline' };
    case 'item/permissions/requestApproval':
      return { permissions: {}, scope: 'turn' };
    case 'item/tool/requestUserInput':
      return { answers: {} };
    case 'mcpServer/elicitation/request':
      return { action: 'decline', content: null, _meta: null };
    case 'item/tool/call':
      return { contentItems: [{ type: 'inputText', text: NO_HANDLER }], success: false };
    case 'execCommandApproval':
    case 'applyPatchApproval':
      return { decision: { denied: { rejection: NO_HANDLER } } };
    case LEGACY_CURRENT_TIME:
      // Removed from the protocol in 0.171.0; older servers (0.169, 0.170) still ask. The
      // client's clock is no secret and grants nothing, and an error would fail the model's turn.
      return { currentTimeAt: Math.floor(Date.now() / 1000) };
    default:
      throw new MethodNotFoundError(-32601, `codex-rx has no handler for ${method}`);
  }
}
