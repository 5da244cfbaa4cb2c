/** isDeltaMethod: the hot-path test for streamed-delta notifications (methods ending in "Delta"/"delta"). */
import { isDeltaMethod } from '../../lib/protocol/delta.js';

describe('isDeltaMethod', () => {
  it('is true for every method ending in "elta"', () => {
    for (const m of ['item/agentMessage/delta', 'item/commandExecution/outputDelta', 'item/reasoning/summaryTextDelta', 'command/exec/outputDelta']) expect([m, isDeltaMethod(m)]).toEqual([m, true]);
  });

  it('is false for other methods, short strings included', () => {
    for (const m of ['turn/started', 'item/completed', 'delt', 'elt', '', 'item/deltas', 'turn/diff/updated']) expect([m, isDeltaMethod(m)]).toEqual([m, false]);
  });
});
