/** The Answers builders: each builds an answer of its method's generated result type that the router accepts. */
import { answerIssues } from '../../lib/approvals/answer-check.js';
import { Answers } from '../../lib/approvals/answers.js';

describe('Answers', () => {
  it('Answers helpers build answers the router accepts', () => {
    expect(answerIssues('item/commandExecution/requestApproval', Answers.accept())).toEqual([]);
    expect(answerIssues('item/commandExecution/requestApproval', Answers.acceptForSession())).toEqual([]);
    expect(answerIssues('item/commandExecution/requestApproval', Answers.acceptWithExecpolicyAmendment(['touch', 'x']))).toEqual([]);
    expect(answerIssues('item/fileChange/requestApproval', Answers.decline())).toEqual([]);
    expect(answerIssues('item/fileChange/requestApproval', Answers.cancel())).toEqual([]);
    expect(answerIssues('item/permissions/requestApproval', Answers.grantPermissions({ network: { enabled: true } }, 'session'))).toEqual([]);
    expect(answerIssues('item/permissions/requestApproval', Answers.denyPermissions())).toEqual([]);
    expect(answerIssues('item/tool/requestUserInput', Answers.answerQuestions({ q1: 'yes', q2: ['a', 'b'] }))).toEqual([]);
    expect(Answers.answerQuestions({ q1: 'yes', q2: ['a', 'b'] })).toEqual({ answers: { q1: { answers: ['yes'] }, q2: { answers: ['a', 'b'] } } });
    expect(answerIssues('mcpServer/elicitation/request', Answers.acceptElicitation({ name: 'x' }))).toEqual([]);
    expect(answerIssues('mcpServer/elicitation/request', Answers.declineElicitation())).toEqual([]);
    expect(answerIssues('item/tool/call', Answers.toolResult('42'))).toEqual([]);
  });

  it('are frozen: a caller cannot swap a builder for every later user', () => {
    expect(Object.isFrozen(Answers)).toBe(true);
  });
});
