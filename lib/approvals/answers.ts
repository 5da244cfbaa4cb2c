import type { CommandExecutionRequestApprovalResponse } from '../protocol/generated/v2/CommandExecutionRequestApprovalResponse.js';
import type { FileChangeRequestApprovalResponse } from '../protocol/generated/v2/FileChangeRequestApprovalResponse.js';
import type { GrantedPermissionProfile } from '../protocol/generated/v2/GrantedPermissionProfile.js';
import type { McpServerElicitationRequestResponse } from '../protocol/generated/v2/McpServerElicitationRequestResponse.js';
import type { PermissionsRequestApprovalResponse } from '../protocol/generated/v2/PermissionsRequestApprovalResponse.js';
import type { ToolRequestUserInputResponse } from '../protocol/generated/v2/ToolRequestUserInputResponse.js';
import type { DynamicToolCallResponse } from '../protocol/generated/v2/DynamicToolCallResponse.js';
import type { JsonValue } from '../protocol/generated/serde_json/JsonValue.js';
import type { ExecPolicyAmendment } from '../protocol/generated/v2/ExecPolicyAmendment.js';

type Decision = CommandExecutionRequestApprovalResponse & FileChangeRequestApprovalResponse;

/** Ready answers to server requests, so nobody has to memorise wire shapes. */
export const Answers = Object.freeze({
  /** Run the command / apply the change, this once. */
  accept: (): Decision => ({ decision: 'accept' }),
  /** Accept, and do not ask again for the same thing in this session. */
  acceptForSession: (): Decision => ({ decision: 'acceptForSession' }),
  /** Run the command and add this prefix rule (`params.proposedExecpolicyAmendment`) so similar commands are not asked again. */
  acceptWithExecpolicyAmendment: (amendment: ExecPolicyAmendment): CommandExecutionRequestApprovalResponse => ({
    decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: [...amendment] } },
  }),
  /** Refuse; the turn goes on (the item completes with status `declined`). */
  decline: (): Decision => ({ decision: 'decline' }),
  /** Refuse and stop the turn (it completes `interrupted`). */
  cancel: (): Decision => ({ decision: 'cancel' }),
  /** Grant these permissions (a subset of those requested) for the turn or the session. */
  grantPermissions: (permissions: GrantedPermissionProfile, scope: 'turn' | 'session' = 'turn'): PermissionsRequestApprovalResponse => ({ permissions, scope }),
  /** Grant nothing. */
  denyPermissions: (): PermissionsRequestApprovalResponse => ({ permissions: {}, scope: 'turn' }),
  /** Answers to `item/tool/requestUserInput`, by question id: `{ q1: 'yes', q2: ['a', 'b'] }`. */
  answerQuestions: (answers: Record<string, string | readonly string[]>): ToolRequestUserInputResponse => ({
    answers: Object.fromEntries(Object.entries(answers).map(([id, a]) => [id, { answers: typeof a === 'string' ? [a] : [...a] }])),
  }),
  /** Accept an MCP elicitation with the form's content. */
  acceptElicitation: (content: JsonValue): McpServerElicitationRequestResponse => ({ action: 'accept', content, _meta: null }),
  /** Decline an MCP elicitation. */
  declineElicitation: (): McpServerElicitationRequestResponse => ({ action: 'decline', content: null, _meta: null }),
  /** The text result of a dynamic tool call. */
  toolResult: (text: string, success = true): DynamicToolCallResponse => ({ contentItems: [{ type: 'inputText', text }], success }),
});
