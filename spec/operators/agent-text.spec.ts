import { from, lastValueFrom, toArray } from 'rxjs';
import { agentText } from '../../lib/operators/agent-text.js';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import {
  agentMessageDelta as delta,
  agentMessageItem as agentMessage,
  commandExecutionItem,
  commandOutputDelta,
  itemCompleted,
  itemStarted,
  tokenUsageUpdated,
  turnCompleted,
  turnStarted,
} from '../../lib/testing/index.js';

const texts = (events: TurnNotification[]) => lastValueFrom(from(events).pipe(agentText(), toArray()));

describe('agentText()', () => {
  it('emits the whole text so far on each delta', async () => {
    expect(await texts([turnStarted(), delta('m1', 'The '), delta('m1', 'answer '), delta('m1', 'is 42.')])).toEqual(['The ', 'The answer ', 'The answer is 42.']);
  });

  it('starts over for each new agent message', async () => {
    expect(await texts([delta('m1', 'Plan'), delta('m1', 'ning'), delta('m2', 'Done'), delta('m2', '.')])).toEqual(['Plan', 'Planning', 'Done', 'Done.']);
  });

  it('does not repeat the text when item/completed matches what streamed', async () => {
    expect(await texts([delta('m1', 'Hi'), itemCompleted(agentMessage('m1', 'Hi')), turnCompleted()])).toEqual(['Hi']);
  });

  it('emits the final text when item/completed differs from what streamed', async () => {
    expect(await texts([delta('m1', 'Hi'), itemCompleted(agentMessage('m1', 'Hi there'))])).toEqual(['Hi', 'Hi there']);
  });

  it('emits a message that completed without deltas', async () => {
    expect(await texts([itemStarted(agentMessage('m1', '')), itemCompleted(agentMessage('m1', 'All set.'))])).toEqual(['All set.']);
  });

  it('ignores everything that is not agent text', async () => {
    const cmd = commandExecutionItem('c1', 'ls');
    expect(await texts([turnStarted(), itemStarted(cmd), commandOutputDelta('c1', 'file.txt'), itemCompleted(cmd), tokenUsageUpdated(), turnCompleted()])).toEqual([]);
  });

  it('completes when the source completes', async () => {
    expect(await texts([])).toEqual([]);
  });
});
