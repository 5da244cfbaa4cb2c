import { Answers } from '../../lib/approvals/answers';
import type { PendingServerRequest } from '../../lib/approvals/approval-router';
import { CodexError, ValidationError } from '../../lib/errors';
import { collectPending, commandApprovalParams, harness, PARAMS_BY_METHOD, type Harness } from './harness';

const APPROVAL = 'item/commandExecution/requestApproval';

describe('Codex.pendingRequests$: requests no handler claimed, answered from outside', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it('not observed: the safe default goes out at once', async () => {
    h = await harness();
    h.request(0, APPROVAL, commandApprovalParams());
    expect(h.answer(0)).toEqual({ id: 0, result: { decision: 'decline' } });
  });

  it('observed: the request waits there, typed, until respond(); the first answer wins, a second throws', async () => {
    h = await harness();
    const { received } = collectPending(h.codex);
    h.request(0, APPROVAL, commandApprovalParams());

    expect(h.answer(0)).toBeUndefined();
    expect(received).toHaveLength(1);
    const pending = received[0]!;
    expect(pending).toMatchObject({ id: 0, method: APPROVAL, params: commandApprovalParams(), threadId: 'thr-1', turnId: 'turn-1', answered: false });
    expect(pending.request).toEqual({ id: 0, method: APPROVAL, params: commandApprovalParams() });
    expect(pending.signal.aborted).toBe(false);
    expect(h.codex.stats.pendingServerRequests).toBe(1);

    if (!pending.is(APPROVAL)) throw new Error('expected a command approval');
    expect(pending.params.command).toContain('touch approved.txt');
    pending.respond(Answers.accept());

    expect(h.answers(0)).toEqual([{ id: 0, result: { decision: 'accept' } }]);
    expect(pending.answered).toBe(true);
    expect(pending.signal.aborted).toBe(true);
    expect(() => pending.respond(Answers.decline())).toThrow(CodexError);
    expect(() => pending.respond(Answers.decline())).toThrow(/already answered/);
    expect(h.answers(0)).toHaveLength(1);
    expect(h.codex.stats.pendingServerRequests).toBe(0);
  });

  it('a handler that claims the request beats the stream; one that passes (undefined) leaves it there', async () => {
    h = await harness({ approvalHandler: (request) => (request.method === 'item/fileChange/requestApproval' ? Answers.accept() : undefined) });
    const { received } = collectPending(h.codex);
    h.request(0, 'item/fileChange/requestApproval', PARAMS_BY_METHOD['item/fileChange/requestApproval']);
    h.request(1, APPROVAL, commandApprovalParams());
    expect(h.answer(0)!.result).toEqual({ decision: 'accept' });
    expect(received.map((p) => p.id)).toEqual([1]);
    expect(h.answer(1)).toBeUndefined();
  });

  it('a malformed respond() throws ValidationError and the request keeps waiting', async () => {
    h = await harness();
    const { received } = collectPending(h.codex);
    h.request(0, APPROVAL, commandApprovalParams());
    const pending = received[0]! as PendingServerRequest;
    expect(() => pending.respond({ decision: 'sure' } as never)).toThrow(ValidationError);
    expect(pending.answered).toBe(false);
    expect(h.answer(0)).toBeUndefined();
    pending.respond(Answers.decline());
    expect(h.answer(0)!.result).toEqual({ decision: 'decline' });
  });

  it('every observer sees the request; a late subscriber first gets the requests still waiting', async () => {
    h = await harness();
    const first = collectPending(h.codex);
    h.request(0, APPROVAL, commandApprovalParams());
    h.request(1, APPROVAL, commandApprovalParams({ itemId: 'call_2' }));
    first.received[0]!.respond(Answers.decline());

    const late = collectPending(h.codex);
    expect(late.received.map((p) => p.id)).toEqual([1]);
    expect(late.received[0]).toBe(first.received[1]);
    late.received[0]!.respond(Answers.accept());
    expect(() => first.received[1]!.respond(Answers.decline())).toThrow(/already answered/);
    expect(h.answer(1)!.result).toEqual({ decision: 'accept' });
  });

  it('once nobody observes any more, new requests get the safe default again', async () => {
    h = await harness();
    const { subscription } = collectPending(h.codex);
    subscription.unsubscribe();
    h.request(0, APPROVAL, commandApprovalParams());
    expect(h.answer(0)!.result).toEqual({ decision: 'decline' });
  });

  it('after the deadline the safe default is sent and respond() throws', async () => {
    h = await harness({ approvalTimeoutMs: 30 });
    const { received } = collectPending(h.codex);
    h.request(0, APPROVAL, commandApprovalParams());
    expect(await h.nextAnswer(0)).toEqual({ id: 0, result: { decision: 'decline' } });
    const pending = received[0]!;
    expect(pending.answered).toBe(true);
    expect(pending.signal.aborted).toBe(true);
    expect(() => pending.respond(Answers.accept())).toThrow(/no longer pending/);
    expect(h.failures).toEqual([expect.objectContaining({ kind: 'timeout' })]);
    expect(h.answers(0)).toHaveLength(1);
  });

  it('after the connection closed respond() throws, and nothing is sent', async () => {
    h = await harness();
    const { received } = collectPending(h.codex);
    h.request(0, APPROVAL, commandApprovalParams());
    await h.codex.close();
    const pending = received[0]!;
    expect(pending.answered).toBe(true);
    expect(pending.signal.aborted).toBe(true);
    expect(() => pending.respond(Answers.accept())).toThrow(/no longer pending/);
    expect(h.answer(0)).toBeUndefined();
  });

  it('methods without a safe answer can be answered from the stream too', async () => {
    h = await harness();
    const { received } = collectPending(h.codex);
    h.request(0, 'account/chatgptAuthTokens/refresh', PARAMS_BY_METHOD['account/chatgptAuthTokens/refresh']);
    const pending = received[0]!;
    if (!pending.is('account/chatgptAuthTokens/refresh')) throw new Error('expected a token refresh');
    pending.respond({ accessToken: 'tok', chatgptAccountId: 'acc', chatgptPlanType: 'plus' });
    expect(h.answer(0)).toEqual({ id: 0, result: { accessToken: 'tok', chatgptAccountId: 'acc', chatgptPlanType: 'plus' } });
  });
});
