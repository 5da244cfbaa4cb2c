// TurnScript is data until a FakeAppServer plays it: what each builder adds, and what it decides.
import { scriptTurn } from '../../lib/testing/index.js';
import type { ClientAnswer, ScriptOp, TurnContext } from '../../lib/testing/turn-script.js';
import type { ServerRequestMessage } from '../../lib/protocol/methods.js';

const ctx = (): TurnContext => {
  let n = 0;
  return { threadId: 'thr-1', turnId: 'turn-1', nextItemId: () => `item-${++n}` };
};
const kinds = (ops: readonly ScriptOp[]) => ops.map((op) => op.kind);
const answer = (result: unknown, error?: ClientAnswer['error']): ClientAnswer => ({ request: {} as ServerRequestMessage, result, error });

describe('TurnScript', () => {
  it('is immutable: every builder returns a new script', () => {
    const base = scriptTurn();
    const longer = base.agentMessage('hi');
    expect(base.ops).toEqual([]);
    expect(kinds(longer.ops)).toEqual(['emit']);
    expect(kinds(longer.wait(2).hang().ops)).toEqual(['emit', 'wait', 'hang']);
  });

  it('refuses a wait that is not a number of frames ≥ 0', () => {
    expect(() => scriptTurn().wait(-1)).toThrow(RangeError);
    expect(() => scriptTurn().wait(Number.NaN)).toThrow('frames must be ≥ 0');
  });

  it('ends with one op each: complete(), interrupted(), fail(message) (the player sends the error with the ending)', () => {
    expect(scriptTurn().complete().ops).toEqual([{ kind: 'end', ending: { status: 'completed' } }]);
    expect(scriptTurn().interrupted().ops).toEqual([{ kind: 'end', ending: { status: 'interrupted' } }]);
    expect(scriptTurn().fail('quota').ops).toEqual([{ kind: 'end', ending: { status: 'failed', message: 'quota' } }]);
  });

  it('an approved command runs, a declined one ends declined, a cancelled one also interrupts the turn', () => {
    const [, request] = scriptTurn().command('ls', { approval: true, output: 'a\n' }).ops;
    if (request.kind !== 'request') throw new Error('expected a request op');
    const c = ctx();
    const after = (a: ClientAnswer) => request.then(a, c).map((op) => (op.kind === 'emit' ? op.build(c).map((m) => m.method) : op));
    expect(after(answer({ decision: 'accept' }))).toEqual([['item/commandExecution/outputDelta', 'item/completed']]);
    expect(after(answer({ decision: 'decline' }))).toEqual([['item/completed']]);
    expect(after(answer(undefined, { code: -32603, message: 'x' }))).toEqual([['item/completed']]);
    expect(after(answer({ decision: 'cancel' }))).toEqual([['item/completed'], { kind: 'end', ending: { status: 'interrupted' } }]);
  });
});
