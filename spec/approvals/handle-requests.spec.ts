import { of } from 'rxjs';
import { Answers, handleRequests, ValidationError, type ApprovalHandler, type PendingServerRequest, type ServerRequestHandlers } from '../../lib/index';
import type { CommandExecutionRequestApprovalParams } from '../../lib/protocol/generated/v2/CommandExecutionRequestApprovalParams';
import type { DynamicToolCallParams } from '../../lib/protocol/generated/v2/DynamicToolCallParams';
import type { RequestId } from '../../lib/protocol/generated/RequestId';
import { assertType, type Equals } from '../support/type-assert';
import { commandApprovalParams, flushPromises, harness, PARAMS_BY_METHOD, type Harness } from './harness';

describe('handleRequests: one typed handler per method', () => {
  let h: Harness;
  afterEach(() => h?.dispose());

  it('routes by method with typed params and context; methods it lacks (or undefined answers) pass on', async () => {
    const seen: string[] = [];
    h = await harness({
      approvalHandler: handleRequests({
        'item/commandExecution/requestApproval': (params, context) => {
          assertType<Equals<typeof params, CommandExecutionRequestApprovalParams>>();
          assertType<Equals<typeof context.request.id, RequestId>>();
          seen.push(`${context.request.method} ${params.command} ${context.threadId}/${context.turnId}`);
          return params.command?.includes('touch') ? Answers.accept() : undefined;
        },
        'item/tool/call': (params) => {
          assertType<Equals<typeof params, DynamicToolCallParams>>();
          return Promise.resolve(Answers.toolResult(`looked up ${JSON.stringify(params.arguments)}`));
        },
        'item/tool/requestUserInput': () => of(Answers.answerQuestions({ q1: 'yes' })),
      }),
    });
    h.request(0, 'item/commandExecution/requestApproval', commandApprovalParams());
    h.request(1, 'item/commandExecution/requestApproval', commandApprovalParams({ command: 'rm -rf /' }));
    h.request(2, 'item/tool/call', PARAMS_BY_METHOD['item/tool/call']);
    h.request(3, 'item/tool/requestUserInput', PARAMS_BY_METHOD['item/tool/requestUserInput']);
    h.request(4, 'item/fileChange/requestApproval', PARAMS_BY_METHOD['item/fileChange/requestApproval']);
    await flushPromises();

    expect(seen).toEqual([
      "item/commandExecution/requestApproval /bin/bash -lc 'touch approved.txt' thr-1/turn-1",
      'item/commandExecution/requestApproval rm -rf / thr-1/turn-1',
    ]);
    expect(h.answer(0)!.result).toEqual({ decision: 'accept' });
    expect(h.answer(1)!.result).toEqual({ decision: 'decline' });
    expect(h.answer(2)!.result).toEqual({ contentItems: [{ type: 'inputText', text: 'looked up {"q":"x"}' }], success: true });
    expect(h.answer(3)!.result).toEqual({ answers: { q1: { answers: ['yes'] } } });
    expect(h.answer(4)!.result).toEqual({ decision: 'decline' });
  });

  it('refuses what is not a handler table', () => {
    expect(() => handleRequests(null as unknown as ServerRequestHandlers)).toThrow(ValidationError);
    expect(() => handleRequests({ 'item/tool/call': 'nope' } as unknown as ServerRequestHandlers)).toThrow(/item\/tool\/call must be a function/);
  });

  it('types: results are checked per method; a plain ApprovalHandler narrows on request.method', () => {
    handleRequests({
      // @ts-expect-error a file change cannot be accepted with an execpolicy amendment
      'item/fileChange/requestApproval': () => Answers.acceptWithExecpolicyAmendment(['x']),
    });
    handleRequests({
      // @ts-expect-error not a decision
      'item/commandExecution/requestApproval': () => ({ decision: 'yes' }),
    });
    const handler: ApprovalHandler = async (request) => {
      if (request.method === 'item/permissions/requestApproval') return Answers.grantPermissions(request.params.permissions.network ? { network: { enabled: true } } : {});
      return undefined;
    };
    // @ts-expect-error a string is not an answer
    const bad: ApprovalHandler = () => 'accept';
    expect([handler, bad]).toHaveLength(2);

    const narrow = (pending: PendingServerRequest) => {
      if (pending.is('item/commandExecution/requestApproval')) {
        assertType<Equals<typeof pending.params, CommandExecutionRequestApprovalParams>>();
        pending.respond(Answers.acceptForSession());
        // @ts-expect-error a permissions answer does not fit a command approval
        pending.respond(Answers.denyPermissions());
      }
      pending.respond(Answers.decline()); // the un-narrowed respond takes any answer
    };
    expect(narrow).toBeDefined();
  });
});
