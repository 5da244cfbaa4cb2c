import { from, lastValueFrom, toArray } from 'rxjs';
import { INITIAL_TURN_PROGRESS, reduceTurnProgress, turnProgress, type TurnProgress } from '../../lib/operators/turn-progress.js';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import { DEFAULT_TURN_REF, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, commandApprovalRequest, commandExecutionItem, commandOutputDelta, diffUpdated, itemCompleted, itemStarted, planUpdated, serverRequestResolved, tokenUsage, tokenUsageUpdated, turnCompleted, turnError, turnStarted } from '../../lib/testing/index.js';

/** Token usage of `total` tokens, 10 of them output. */
const usage = (total: number) => tokenUsage({ inputTokens: total - 10, outputTokens: 10 });

const fold = (events: TurnNotification[], from: TurnProgress = INITIAL_TURN_PROGRESS) => events.reduce(reduceTurnProgress, from);

describe('reduceTurnProgress', () => {
  it('starts empty and frozen', () => {
    expect(INITIAL_TURN_PROGRESS).toEqual({ turnId: null, status: 'starting', items: [], text: '', plan: [], diff: null, usage: null, pendingRequests: [], error: null });
    expect(Object.isFrozen(INITIAL_TURN_PROGRESS)).toBe(true);
  });

  it('turn/started sets the turn id and status inProgress', () => {
    expect(fold([turnStarted()])).toMatchObject({ turnId: FAKE_TURN_ID, status: 'inProgress' });
  });

  it('tracks items by id, in start order, with live status', () => {
    const cmd = commandExecutionItem('cmd-1', 'npm test', { status: 'inProgress' });
    const msg = agentMessageItem('msg-1', '');
    const s = fold([itemStarted(cmd), itemStarted(msg), itemCompleted(commandExecutionItem('cmd-1', 'npm test'))]);
    expect(s.items.map((i) => [i.id, i.type, i.status])).toEqual([
      ['cmd-1', 'commandExecution', 'completed'],
      ['msg-1', 'agentMessage', 'inProgress'],
    ]);
    expect(s.items[0].item).toEqual(commandExecutionItem('cmd-1', 'npm test'));
  });

  it('streams agent text into the item and into text; item/completed sets the final text', () => {
    const streaming = fold([itemStarted(agentMessageItem('msg-1', '')), agentMessageDelta('msg-1', 'Hel'), agentMessageDelta('msg-1', 'lo')]);
    expect(streaming.text).toBe('Hello');
    expect(streaming.items[0]).toMatchObject({ id: 'msg-1', status: 'inProgress', text: 'Hello' });
    const done = fold([itemCompleted(agentMessageItem('msg-1', 'Hello!'))], streaming);
    expect(done.text).toBe('Hello!');
    expect(done.items[0]).toMatchObject({ status: 'completed', text: 'Hello!' });
  });

  it('text follows the latest agent message', () => {
    const s = fold([agentMessageDelta('msg-1', 'First.'), itemCompleted(agentMessageItem('msg-1', 'First.')), agentMessageDelta('msg-2', 'Sec')]);
    expect(s.text).toBe('Sec');
    expect(s.items.map((i) => i.text)).toEqual(['First.', 'Sec']);
  });

  it('accepts a delta for an item it has not seen start', () => {
    const s = fold([agentMessageDelta('msg-1', 'Hi')]);
    expect(s.items).toEqual([expect.objectContaining({ id: 'msg-1', type: 'agentMessage', status: 'inProgress', text: 'Hi' })]);
  });

  it('streams command output into the item but not into text', () => {
    const s = fold([itemStarted(commandExecutionItem('cmd-1', 'ls', { status: 'inProgress' })), commandOutputDelta('cmd-1', 'a.txt\n'), commandOutputDelta('cmd-1', 'b.txt\n')]);
    expect(s.items[0].text).toBe('a.txt\nb.txt\n');
    expect(s.text).toBe('');
    // completion keeps the streamed output
    expect(fold([itemCompleted(commandExecutionItem('cmd-1', 'ls'))], s).items[0].text).toBe('a.txt\nb.txt\n');
  });

  it('keeps the latest plan, diff and usage', () => {
    const s = fold([
      planUpdated([{ step: 'read', status: 'inProgress' }]),
      diffUpdated('--- a\n+++ b\n'),
      tokenUsageUpdated(usage(10)),
      planUpdated([{ step: 'read', status: 'completed' }, { step: 'write', status: 'inProgress' }]),
      diffUpdated('--- a\n+++ c\n'),
      tokenUsageUpdated(usage(30)),
    ]);
    expect(s.plan).toEqual([{ step: 'read', status: 'completed' }, { step: 'write', status: 'inProgress' }]);
    expect(s.diff).toBe('--- a\n+++ c\n');
    expect(s.usage).toEqual(usage(30));
  });

  it('adds a server request to pendingRequests and removes it on serverRequest/resolved', () => {
    const first = commandApprovalRequest(1, 'cmd-1', 'rm -rf build');
    const second = commandApprovalRequest('r-2', 'cmd-2', 'rm -rf build');
    const waiting = fold([first, second]);
    expect(waiting.pendingRequests).toEqual([first, second]);
    expect(fold([serverRequestResolved(1)], waiting).pendingRequests).toEqual([second]);
    expect(fold([serverRequestResolved('r-2'), serverRequestResolved(1)], waiting).pendingRequests).toEqual([]);
    expect(fold([serverRequestResolved(99)], waiting).pendingRequests).toEqual([first, second]);
  });

  it.each([
    ['completed', null],
    ['interrupted', null],
    ['failed', turnError('boom')],
  ] as const)('turn/completed sets status %s and the error, and clears pending requests', (status, error) => {
    const s = fold([turnStarted(), commandApprovalRequest(1, 'cmd-1', 'rm -rf build'), turnCompleted(DEFAULT_TURN_REF, status, error)]);
    expect(s).toMatchObject({ turnId: FAKE_TURN_ID, status, error, pendingRequests: [] });
  });

  it('returns a new object for every event that changes it, and never mutates earlier snapshots', () => {
    const events: TurnNotification[] = [
      turnStarted(),
      itemStarted(agentMessageItem('msg-1', '')),
      agentMessageDelta('msg-1', 'a'),
      agentMessageDelta('msg-1', 'b'),
      commandApprovalRequest(1, 'cmd-1', 'rm -rf build'),
      serverRequestResolved(1),
      planUpdated([{ step: 'x', status: 'pending' }]),
      diffUpdated('d'),
      tokenUsageUpdated(usage(1)),
      itemCompleted(agentMessageItem('msg-1', 'ab')),
      turnCompleted(),
    ];
    const snapshots = [INITIAL_TURN_PROGRESS];
    const copies = [JSON.stringify(INITIAL_TURN_PROGRESS)];
    for (const e of events) {
      const next = reduceTurnProgress(snapshots[snapshots.length - 1], e);
      expect(next).not.toBe(snapshots[snapshots.length - 1]);
      snapshots.push(next);
      copies.push(JSON.stringify(next));
    }
    snapshots.forEach((s, i) => expect(JSON.stringify(s)).toBe(copies[i]));
    // the items array is replaced, not mutated, when an item changes
    expect(snapshots[4].items).not.toBe(snapshots[3].items);
    expect(snapshots[3].items[0].text).toBe('a');
    expect(snapshots[4].items[0].text).toBe('ab');
  });
});

describe('turnProgress()', () => {
  it('emits one snapshot per event (no initial emission) and completes with the source', async () => {
    const out = await lastValueFrom(from<TurnNotification[]>([turnStarted(), agentMessageDelta('msg-1', 'Hi'), turnCompleted()]).pipe(turnProgress(), toArray()));
    expect(out.map((p) => [p.status, p.text])).toEqual([
      ['inProgress', ''],
      ['inProgress', 'Hi'],
      ['completed', 'Hi'],
    ]);
    expect(new Set(out).size).toBe(3);
  });

  it('starts from the initial snapshot for each subscription', async () => {
    const p$ = from<TurnNotification[]>([agentMessageDelta('msg-1', 'Hi')]).pipe(turnProgress());
    expect((await lastValueFrom(p$)).text).toBe('Hi');
    expect((await lastValueFrom(p$)).text).toBe('Hi');
  });
});
