import { answerIssues } from '../../lib/approvals/answer-check';
import { LEGACY_CURRENT_TIME } from '../../lib/approvals/safe-answers';
import { SERVER_REQUEST_RESULT_SCHEMA } from '../../lib/protocol/schema-text.generated';
import { SERVER_REQUEST_IDS } from '../../lib/protocol/tables.generated';
import { SERVER_REQUEST_RESULT_DEFINITIONS } from '../../lib/protocol/validation-tables.generated';
import { exportedWithoutEval } from '../support/no-eval-context';

const SERVER_REQUEST_METHODS = Object.keys(SERVER_REQUEST_IDS);

const COMMAND = 'item/commandExecution/requestApproval';
const COMMAND_CHOICES = '"accept", "acceptForSession", "decline", "cancel", { acceptWithExecpolicyAmendment: … }, { applyNetworkPolicyAmendment: … }';

describe('answerIssues: answers checked against the binary’s result schema of each server request', () => {
  it('every server request has a generated result schema, and each compiles', () => {
    expect(Object.keys(SERVER_REQUEST_RESULT_DEFINITIONS).sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
    const definitions = JSON.parse(SERVER_REQUEST_RESULT_SCHEMA).definitions as Record<string, unknown>;
    for (const method of SERVER_REQUEST_METHODS) {
      expect(definitions).toHaveProperty([SERVER_REQUEST_RESULT_DEFINITIONS[method]!]);
      // An empty object is wrong for most, but must be judged, not fail to compile.
      for (const issue of answerIssues(method, {})) expect(issue.message).not.toMatch(/could not be validated/);
    }
  });

  it('anything but an object is refused for every method, known or not, saying what it got', () => {
    expect(answerIssues(COMMAND, 'accept')).toEqual([{ path: '', message: 'must be an object, got a string' }]);
    expect(answerIssues(COMMAND, [])).toEqual([{ path: '', message: 'must be an object, got an array' }]);
    expect(answerIssues('some/future/request', undefined)).toEqual([{ path: '', message: 'must be an object, got undefined' }]);
    expect(answerIssues('some/future/request', { whatever: 1 })).toEqual([]);
  });

  it('a wrong choice lists the allowed ones (from the schema) and shows what was given', () => {
    expect(answerIssues(COMMAND, { decision: 'yes' })).toEqual([{ path: 'decision', message: `must be one of ${COMMAND_CHOICES}; got "yes"` }]);
    expect(answerIssues(COMMAND, { decision: { allow: true } })).toEqual([{ path: 'decision', message: `must be one of ${COMMAND_CHOICES}; got {"allow":true}` }]);
    expect(answerIssues(COMMAND, {})).toEqual([{ path: 'decision', message: `is required: one of ${COMMAND_CHOICES}` }]);
    expect(answerIssues('item/fileChange/requestApproval', { decision: 'acceptWithExecpolicyAmendment' })).toEqual([
      { path: 'decision', message: 'must be one of "accept", "acceptForSession", "decline", "cancel"; got "acceptWithExecpolicyAmendment"' },
    ]);
    expect(answerIssues('item/permissions/requestApproval', { permissions: {}, scope: 'forever' })).toEqual([
      { path: 'scope', message: 'must be one of "turn", "session"; got "forever"' },
    ]);
    expect(answerIssues('mcpServer/elicitation/request', { action: 'ok' })).toEqual([{ path: 'action', message: 'must be one of "accept", "decline", "cancel"; got "ok"' }]);
  });

  it('what was given is cut short, never a whole payload', () => {
    const [issue] = answerIssues(COMMAND, { decision: 'x'.repeat(500) });
    expect(issue!.message.length).toBeLessThan(COMMAND_CHOICES.length + 120);
    expect(issue!.message).toMatch(/got "x+\.\.\.$/);
  });

  it('inside a chosen one-key object, the issue names the nested path', () => {
    expect(answerIssues(COMMAND, { decision: { acceptWithExecpolicyAmendment: {} } })).toEqual([
      { path: 'decision.acceptWithExecpolicyAmendment.execpolicy_amendment', message: 'is required' },
    ]);
  });

  it('nested mistakes a field-by-field check would miss are caught', () => {
    expect(answerIssues('item/tool/requestUserInput', { answers: { q1: 'yes' } })).toEqual([{ path: 'answers.q1', message: expect.stringContaining('object') }]);
    expect(answerIssues('item/tool/call', { contentItems: [{ type: 'text', text: 'x' }], success: true })).toEqual([
      { path: 'contentItems[0].type', message: expect.stringContaining('inputText') },
    ]);
    expect(answerIssues('item/permissions/requestApproval', { permissions: { network: { enabled: 'yes' } } })).toEqual([
      { path: 'permissions.network.enabled', message: expect.stringContaining('boolean') },
    ]);
  });

  it('what the schema allows passes: an omitted permission scope (the server defaults to turn), extra fields', () => {
    expect(answerIssues('item/permissions/requestApproval', { permissions: {} })).toEqual([]);
    expect(answerIssues(COMMAND, { decision: 'accept', note: 'extra' })).toEqual([]);
    expect(answerIssues('execCommandApproval', { decision: { denied: { rejection: 'no' } } })).toEqual([]);
  });

  it('token-refresh answers are checked too, and a token never appears in the issues', () => {
    const issues = answerIssues('account/chatgptAuthTokens/refresh', { accessToken: 'sk-very-secret', chatgptAccountId: 42 });
    expect(issues).toEqual([{ path: 'chatgptAccountId', message: 'must be a string' }]);
    expect(JSON.stringify(issues)).not.toContain('sk-very-secret');
    expect(answerIssues('account/chatgptAuthTokens/refresh', { accessToken: 'tok', chatgptAccountId: 'acc', chatgptPlanType: null })).toEqual([]);
  });

  it('when the check itself cannot run, the answer is refused, never sent unchecked', () => {
    const hostile = {
      get decision(): string {
        throw new Error('getter exploded');
      },
    };
    expect(answerIssues(COMMAND, hostile)).toEqual([{ path: '', message: 'could not be validated: getter exploded' }]);
  });

  it('works where code generation from strings is forbidden (a page under CSP script-src self)', () => {
    const check = exportedWithoutEval<{ answerIssues: typeof answerIssues }>(
      "import { answerIssues } from './lib/approvals/answer-check'; globalThis.exported = { answerIssues };",
    ).answerIssues;
    expect(check(COMMAND, { decision: 'accept' })).toEqual([]);
    expect(check(COMMAND, { decision: 'yes' })).toEqual([{ path: 'decision', message: `must be one of ${COMMAND_CHOICES}; got "yes"` }]);
    expect(check('item/tool/requestUserInput', { answers: { q1: 'yes' } })).toEqual([{ path: 'answers.q1', message: expect.stringContaining('object') }]);
  });

  it('currentTime/read (older servers; no schema since 0.171.0) needs a number of seconds', () => {
    expect(answerIssues(LEGACY_CURRENT_TIME, { currentTimeAt: 1_700_000_000 }, LEGACY_CURRENT_TIME)).toEqual([]);
    expect(answerIssues(LEGACY_CURRENT_TIME, { currentTimeAt: 'now' }, LEGACY_CURRENT_TIME)).toEqual([{ path: 'currentTimeAt', message: 'must be a number (Unix seconds)' }]);
  });
});

describe('answerIssues on malformed answers', () => {
  it('malformed answers are caught before they are sent', () => {
    expect(answerIssues('item/commandExecution/requestApproval', 'accept')).toEqual([{ path: '', message: expect.stringContaining('must be an object') }]);
    expect(answerIssues('item/commandExecution/requestApproval', { decision: 'yes' })).toEqual([{ path: 'decision', message: expect.stringContaining('"accept"') }]);
    expect(answerIssues('item/fileChange/requestApproval', { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: [] } } })).toHaveLength(1);
    expect(answerIssues('item/permissions/requestApproval', { permissions: {}, scope: 'forever' })).toHaveLength(1);
    expect(answerIssues('mcpServer/elicitation/request', { action: 'ok' })).toHaveLength(1);
    expect(answerIssues('item/tool/call', { contentItems: 'x' })).toHaveLength(2);
    expect(answerIssues('execCommandApproval', { decision: 'approved' })).toEqual([]);
    expect(answerIssues('execCommandApproval', { decision: 'yes' })).toHaveLength(1);
    expect(answerIssues('some/unknown', null)).toHaveLength(1);
    expect(answerIssues('some/unknown', { anything: true })).toEqual([]);
  });
});
