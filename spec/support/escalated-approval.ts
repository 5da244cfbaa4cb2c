/** The escalated command approval request codex 0.171.0 sends under on-request (captured), built with the kit. */
import type { RequestId } from '../../lib/protocol/generated/RequestId.js';
import { commandApprovalRequest, type TurnRef } from '../../lib/testing/payloads/notifications.js';

/** `item/commandExecution/requestApproval` to run `touch x.txt` outside the sandbox, with an execpolicy amendment on offer. */
export function escalatedCommandApproval(id: RequestId, ref: TurnRef, cwd: string) {
  return commandApprovalRequest(id, 'call_2', "/bin/bash -lc 'touch x.txt'", ref, {
    startedAtMs: 1796599203347,
    reason: 'create it',
    cwd,
    commandActions: [{ type: 'unknown', command: 'touch x.txt' }],
    proposedExecpolicyAmendment: ['touch', 'x.txt'],
    availableDecisions: ['accept', { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['touch', 'x.txt'] } }, 'cancel'],
  });
}
