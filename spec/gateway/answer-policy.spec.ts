/**
 * Answers a page gives to server requests: checked against the answer schema of the request
 * actually sent, limited to the operator's decisions, escalations left to the gateway.
 */
import { admitAnswer } from '../../lib/gateway/answer-policy.js';
import { escalationOf, safeAnswerFor } from '../../lib/gateway/escalation.js';
import { compileGatewayPolicy } from '../../lib/gateway/policy.js';
import { Answers } from '../../lib/approvals/answers.js';
import { escalatedCommandApproval } from '../support/escalated-approval.js';

const strict = compileGatewayPolicy({});
const open = compileGatewayPolicy({ allowEscalation: true });
const generous = compileGatewayPolicy({ allowEscalation: true, allowedDecisions: ['accept', 'decline', 'cancel', 'acceptForSession', 'acceptWithExecpolicyAmendment'] });

/** The escalated command request codex 0.171.0 sent under on-request (captured, ids shortened). */
const COMMAND = escalatedCommandApproval(0, { threadId: 't', turnId: 'u' }, '/tmp/w');
const FILE_CHANGE = { method: 'item/fileChange/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i', startedAtMs: 1 } };
const PERMISSIONS = {
  method: 'item/permissions/requestApproval',
  params: { threadId: 't', turnId: 'u', itemId: 'i', startedAtMs: 1, cwd: '/w', permissions: { network: { enabled: true }, fileSystem: { read: null, write: ['/w/out'] } } },
};
const QUESTIONS = { method: 'item/tool/requestUserInput', params: { threadId: 't', turnId: 'u', itemId: 'i', questions: [] } };
const ELICITATION = { method: 'mcpServer/elicitation/request', params: { threadId: 't', serverName: 's', message: 'm' } };

describe('admitAnswer', () => {
  it('lets an allowed decision through, re-built (control for every refusal below)', () => {
    expect(admitAnswer(COMMAND, { result: Answers.accept() }, open)).toEqual({ result: { decision: 'accept' } });
    expect(admitAnswer(COMMAND, { result: Answers.decline() }, strict)).toEqual({ result: { decision: 'decline' } });
    expect(admitAnswer(COMMAND, { result: Answers.cancel() }, strict)).toEqual({ result: { decision: 'cancel' } });
    expect(admitAnswer(QUESTIONS, { result: Answers.answerQuestions({ q: 'yes' }) }, strict)).toEqual({ result: { answers: { q: { answers: ['yes'] } } } });
    expect(admitAnswer(ELICITATION, { result: Answers.declineElicitation() }, strict)).toEqual({ result: { action: 'decline', content: null, _meta: null } });
  });

  it('acceptWithExecpolicyAmendment (a persistent allow rule) and acceptForSession are refused by default', () => {
    const amendment = Answers.acceptWithExecpolicyAmendment(['touch']);
    expect(admitAnswer(COMMAND, { result: amendment }, open)).toEqual({ refuse: expect.stringMatching(/acceptWithExecpolicyAmendment is not allowed/) });
    expect(admitAnswer(COMMAND, { result: Answers.acceptForSession() }, open)).toEqual({ refuse: expect.stringMatching(/acceptForSession is not allowed/) });
    expect(admitAnswer(FILE_CHANGE, { result: Answers.acceptForSession() }, open)).toEqual({ refuse: expect.stringMatching(/acceptForSession is not allowed/) });
    expect(admitAnswer(COMMAND, { result: { decision: { applyNetworkPolicyAmendment: { network_policy_amendment: { host: 'x', action: 'allow' } } } } }, open)).toEqual({
      refuse: expect.stringMatching(/applyNetworkPolicyAmendment is not allowed/),
    });
    expect(admitAnswer({ method: 'execCommandApproval', params: {} }, { result: { decision: 'approved_for_session' } }, open)).toEqual({ refuse: expect.stringMatching(/acceptForSession is not allowed/) });
    // The operator may widen it.
    expect(admitAnswer(COMMAND, { result: amendment }, generous)).toEqual({ result: amendment });
  });

  it('an escalation the operator did not allow: only decline or cancel', () => {
    expect(admitAnswer(COMMAND, { result: Answers.accept() }, strict)).toEqual({ refuse: expect.stringMatching(/outside the sandbox; the gateway allows only decline or cancel/) });
    expect(admitAnswer(PERMISSIONS, { result: Answers.grantPermissions({ network: { enabled: true } }) }, strict)).toEqual({ refuse: expect.stringMatching(/additional permissions/) });
    expect(admitAnswer(PERMISSIONS, { result: Answers.denyPermissions() }, strict)).toEqual({ result: { permissions: {}, scope: 'turn' } });
  });

  it('a permission grant must stay within what was asked', () => {
    expect(admitAnswer(PERMISSIONS, { result: Answers.grantPermissions({ network: { enabled: true } }) }, open)).toEqual({ result: { permissions: { network: { enabled: true } }, scope: 'turn' } });
    expect(admitAnswer(PERMISSIONS, { result: Answers.grantPermissions({ fileSystem: { read: null, write: ['/w/out'] } }) }, open)).toMatchObject({ result: {} });
    expect(admitAnswer(PERMISSIONS, { result: Answers.grantPermissions({ fileSystem: { read: null, write: ['/'] } }) }, open)).toEqual({ refuse: 'result.permissions.fileSystem.write[0] grants more than was asked' });
    expect(admitAnswer(PERMISSIONS, { result: Answers.grantPermissions({ fileSystem: { read: ['/w/out'], write: null } }) }, open)).toEqual({ refuse: 'result.permissions.fileSystem.read grants more than was asked' });
    expect(admitAnswer(PERMISSIONS, { result: Answers.grantPermissions({ network: { enabled: true } }, 'session') }, open)).toEqual({ refuse: expect.stringMatching(/acceptForSession is not allowed/) });
  });

  it('answer shapes the schema does not allow are refused naming the field', () => {
    expect(admitAnswer(COMMAND, { result: { decision: 'yes' } }, open)).toEqual({ refuse: expect.stringMatching(/^result\.decision must be one of "accept"/) });
    expect(admitAnswer(COMMAND, { result: 'accept' }, open)).toEqual({ refuse: expect.stringMatching(/^result must be an object/) });
    expect(admitAnswer(COMMAND, { result: { decision: 'accept', note: 'x' } }, open)).toEqual({ refuse: 'result.note is not allowed' });
    expect(admitAnswer(QUESTIONS, { result: { answers: { q: { answers: ['a'], extra: 1 } } } }, open)).toEqual({ refuse: 'result.answers.q.extra is not allowed' });
    expect(admitAnswer(COMMAND, { result: { decision: 'accept' }, error: { code: 1, message: 'x' } }, open)).toEqual({ refuse: expect.stringMatching(/exactly one/) });
  });

  it('an error answer keeps only code and message', () => {
    expect(admitAnswer(COMMAND, { error: { code: -32000, message: 'dialog closed', data: { big: 'x' } } }, strict)).toEqual({ error: { code: -32000, message: 'dialog closed' } });
    expect(admitAnswer(COMMAND, { error: { code: 'x', message: 'm' } }, strict)).toEqual({ refuse: expect.stringMatching(/code: integer/) });
  });

  it('requests no page may answer (token refresh, attestation) are refused', () => {
    expect(admitAnswer({ method: 'account/chatgptAuthTokens/refresh', params: {} }, { result: { accessToken: 'a', chatgptAccountId: 'b' } }, open)).toEqual({ refuse: 'a page may not answer account/chatgptAuthTokens/refresh' });
    expect(admitAnswer({ method: 'attestation/generate', params: {} }, { result: { token: 't' } }, open)).toEqual({ refuse: 'a page may not answer attestation/generate' });
  });

  it('strings in answers are limited by maxStringBytes', () => {
    const small = compileGatewayPolicy({ maxStringBytes: 8 });
    expect(admitAnswer(QUESTIONS, { result: Answers.answerQuestions({ q: 'x'.repeat(9) }) }, small)).toEqual({ refuse: 'result.answers.q.answers[0] is longer than 8 bytes' });
    expect(admitAnswer(QUESTIONS, { result: Answers.answerQuestions({ q: 'x'.repeat(8) }) }, small)).toMatchObject({ result: {} });
  });
});

describe('escalationOf and safeAnswerFor', () => {
  it('approvals are escalations, a humanCommand checkpoint and questions are not', () => {
    expect(escalationOf(COMMAND.method, COMMAND.params)).toBe('asks to run a command outside the sandbox');
    expect(escalationOf(COMMAND.method, { ...COMMAND.params, additionalPermissions: { fileSystem: { write: ['/x'] } } })).toBe('asks to run a command with additional permissions');
    expect(escalationOf(COMMAND.method, { ...COMMAND.params, additionalPermissions: { fileSystem: null, network: null } })).toBe('asks to run a command outside the sandbox');
    expect(escalationOf(COMMAND.method, { ...COMMAND.params, networkApprovalContext: { host: 'evil.test\n', protocol: 'https' } })).toBe('asks for network access to evil.test\\n');
    expect(escalationOf(FILE_CHANGE.method, FILE_CHANGE.params)).toBe('asks to write files the sandbox does not allow');
    expect(escalationOf(FILE_CHANGE.method, { ...FILE_CHANGE.params, grantRoot: '/home' })).toBe('asks to write under /home for the rest of the session');
    expect(escalationOf(PERMISSIONS.method, PERMISSIONS.params)).toBe('asks for additional permissions');
    expect(escalationOf('execCommandApproval', {})).toMatch(/outside the sandbox/);
    expect(escalationOf('applyPatchApproval', {})).toMatch(/write/);
    expect(escalationOf(COMMAND.method, { ...COMMAND.params, kind: 'humanCommand' })).toBeUndefined();
    expect(escalationOf(QUESTIONS.method, QUESTIONS.params)).toBeUndefined();
    expect(escalationOf(ELICITATION.method, ELICITATION.params)).toBeUndefined();
  });

  it('safeAnswerFor: the grant-nothing answers of lib/approvals, or an error where none exists; each passes admitAnswer', () => {
    expect(safeAnswerFor(COMMAND.method, COMMAND.params)).toEqual({ result: { decision: 'decline' } });
    expect(safeAnswerFor(PERMISSIONS.method, PERMISSIONS.params)).toEqual({ result: { permissions: {}, scope: 'turn' } });
    expect(safeAnswerFor('attestation/generate', {})).toEqual({ error: { code: -32601, message: 'the gateway does not answer attestation/generate' } });
    for (const request of [COMMAND, FILE_CHANGE, PERMISSIONS, QUESTIONS, ELICITATION]) {
      const safe = safeAnswerFor(request.method, request.params) as { result: unknown };
      expect([request.method, admitAnswer(request, safe, strict)]).toEqual([request.method, safe]);
    }
  });
});
