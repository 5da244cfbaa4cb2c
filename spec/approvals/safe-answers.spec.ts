import { answerIssues } from '../../lib/approvals/answer-check';
import { LEGACY_CURRENT_TIME, safeAnswer } from '../../lib/approvals/safe-answers';
import { MethodNotFoundError } from '../../lib/errors';
import { Answers } from '../../lib/approvals/answers';
import { SERVER_REQUEST_IDS } from '../../lib/protocol/tables.generated';
import { harness, PARAMS_BY_METHOD, type Harness } from './harness';

const SERVER_REQUEST_METHODS = Object.keys(SERVER_REQUEST_IDS);

const DECLINED = 'declined by codex-rx: no handler answered';

/** What the client answers each server request when nobody claims it: never an acceptance. */
const EXPECTED: Record<string, { result: unknown } | { error: { code: number; message: unknown } }> = {
  'item/commandExecution/requestApproval': { result: { decision: 'decline' } },
  'item/fileChange/requestApproval': { result: { decision: 'decline' } },
  'item/permissions/requestApproval': { result: { permissions: {}, scope: 'turn' } },
  'mcpServer/elicitation/request': { result: { action: 'decline', content: null, _meta: null } },
  'item/tool/requestUserInput': { result: { answers: {} } },
  'item/tool/call': { result: { contentItems: [{ type: 'inputText', text: DECLINED }], success: false } },
  'account/chatgptAuthTokens/refresh': { error: { code: -32601, message: expect.stringContaining('account/chatgptAuthTokens/refresh') } },
  'attestation/generate': { error: { code: -32601, message: expect.stringContaining('attestation/generate') } },
  applyPatchApproval: { result: { decision: { denied: { rejection: DECLINED } } } },
  execCommandApproval: { result: { decision: { denied: { rejection: DECLINED } } } },
};

describe('safe defaults: a server request nobody claims', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.dispose());

  it('the safe answers are what the Answers helpers give (they are written out so that Answers stays out of the first load)', () => {
    expect(safeAnswer('item/commandExecution/requestApproval')).toEqual(Answers.decline());
    expect(safeAnswer('item/fileChange/requestApproval')).toEqual(Answers.decline());
    expect(safeAnswer('item/permissions/requestApproval')).toEqual(Answers.denyPermissions());
    expect(safeAnswer('item/tool/requestUserInput')).toEqual(Answers.answerQuestions({}));
    expect(safeAnswer('mcpServer/elicitation/request')).toEqual(Answers.declineElicitation());
    expect(safeAnswer('item/tool/call')).toEqual(Answers.toolResult(DECLINED, false));
  });

  it('the table covers every server request method of the protocol', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
    expect(Object.keys(PARAMS_BY_METHOD).sort()).toEqual([...SERVER_REQUEST_METHODS].sort());
  });

  it.each([...SERVER_REQUEST_METHODS])('%s gets its safe answer, exactly once', (method) => {
    h.request(7, method, PARAMS_BY_METHOD[method]);
    const answers = h.answers(7);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toEqual({ id: 7, ...EXPECTED[method] } as never);
    expect(h.failures).toEqual([]);
  });

  it('no safe answer ever accepts or grants anything', () => {
    for (const method of SERVER_REQUEST_METHODS) {
      let answer: unknown;
      try {
        answer = safeAnswer(method);
      } catch (e) {
        expect(MethodNotFoundError.is(e)).toBe(true);
        continue;
      }
      expect(answerIssues(method, answer)).toEqual([]);
      const text = JSON.stringify(answer);
      expect(text).not.toMatch(/"accept|"approved|"session"|"success":true/);
    }
  });

  it('an unknown method gets JSON-RPC -32601 (method not found)', () => {
    h.request(8, 'item/teleport/requestApproval', { threadId: 'thr-1', turnId: 'turn-1' });
    h.request(9, 'noParams/atAll');
    expect(h.answer(8)).toEqual({ id: 8, error: { code: -32601, message: expect.stringContaining('item/teleport/requestApproval') } });
    expect(h.answer(9)).toEqual({ id: 9, error: { code: -32601, message: expect.stringContaining('noParams/atAll') } });
  });

  it('an older server (< 0.171.0) asking currentTime/read gets the time: harmless, and an error would fail its turn', () => {
    const before = Math.floor(Date.now() / 1000);
    h.request(10, 'currentTime/read', { threadId: 'thr-1' });
    const answer = h.answer(10)!.result as { currentTimeAt: number };
    expect(answer.currentTimeAt).toBeGreaterThanOrEqual(before);
    expect(answer.currentTimeAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(answerIssues('currentTime/read', { currentTimeAt: 'now' }, LEGACY_CURRENT_TIME)).toHaveLength(1);
    expect(h.failures).toEqual([]);
  });
});
