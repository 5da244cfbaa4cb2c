/** TurnDedupe: a turn's events stay single when the record, live events and replays overlap. */
import { agentMessageDelta, agentMessageItem, itemCompleted, itemStarted, turnCompleted, turnStarted } from '../../lib/testing/payloads/index.js';
import { deltaStreamOf, TurnDedupe } from '../../lib/turn/turn-dedupe.js';
import type { TurnEvent } from '../../lib/turn/turn-event.js';

const at = { threadId: 'th1', turnId: 't1' };
const item = agentMessageItem('m1', 'hello world', null);
const started = turnStarted(at) as TurnEvent;
const completed = turnCompleted(at, 'completed', null) as TurnEvent;
const delta = (text: string, itemId = 'm1') => agentMessageDelta(itemId, text, at) as TurnEvent;
const approval = (id: number) => ({ id, method: 'item/commandExecution/requestApproval', params: { ...at, itemId: 'c1' } }) as unknown as TurnEvent;

/** The events that pass, with the delta texts they carry. */
function passed(d: TurnDedupe, events: TurnEvent[]): string[] {
  return events.flatMap((e) => {
    const out = d.pass(e);
    if (!out) return [];
    const text = (out.params as { delta?: string }).delta;
    return [text === undefined ? out.method : `${out.method}:${text}`];
  });
}

describe('TurnDedupe', () => {
  it('turn/started, turn/completed, each item/completed and each server request pass once', () => {
    const d = new TurnDedupe();
    const done = itemCompleted(item, at) as TurnEvent;
    expect(passed(d, [started, started, done, done, approval(1), approval(1), approval(2), completed, completed])).toEqual([
      'turn/started', 'item/completed', 'item/commandExecution/requestApproval', 'item/commandExecution/requestApproval', 'turn/completed',
    ]);
    expect(d.completed).toBe(true);
  });

  it('live deltas pass as they come; after the item completed, its item/started and deltas are dropped', () => {
    const d = new TurnDedupe();
    expect(passed(d, [itemStarted(item, at) as TurnEvent, delta('hel'), delta('lo'), itemCompleted(item, at) as TurnEvent, itemStarted(item, at) as TurnEvent, delta('late')])).toEqual([
      'item/started', 'item/agentMessage/delta:hel', 'item/agentMessage/delta:lo', 'item/completed',
    ]);
  });

  it('a replay from the item start cuts the text already passed, so it never doubles', () => {
    const d = new TurnDedupe();
    expect(passed(d, [itemStarted(item, at) as TurnEvent, delta('hello '), itemStarted(item, at) as TurnEvent, delta('hel'), delta('lo wor'), delta('ld')])).toEqual([
      'item/started', 'item/agentMessage/delta:hello ', 'item/agentMessage/delta:wor', 'item/agentMessage/delta:ld',
    ]);
  });

  it('deltas of different items are cut separately', () => {
    const d = new TurnDedupe();
    const other = agentMessageItem('m2', 'x', null);
    expect(passed(d, [itemStarted(item, at) as TurnEvent, itemStarted(other, at) as TurnEvent, delta('ab'), delta('XY', 'm2'), itemStarted(item, at) as TurnEvent, delta('abc'), delta('Z', 'm2')])).toEqual([
      'item/started', 'item/started', 'item/agentMessage/delta:ab', 'item/agentMessage/delta:XY', 'item/agentMessage/delta:c', 'item/agentMessage/delta:Z',
    ]);
  });

  it('events that are no item delta pass untouched', () => {
    const d = new TurnDedupe();
    const plan = { method: 'turn/plan/updated', params: { ...at, explanation: null, plan: [] } } as unknown as TurnEvent;
    expect(d.pass(plan)).toBe(plan);
    expect(d.pass(plan)).toBe(plan);
  });
});

describe('deltaStreamOf', () => {
  it('names a delta stream by method, item and part; other events have none', () => {
    expect(deltaStreamOf(delta('a'))).toBe(deltaStreamOf(delta('b')));
    expect(deltaStreamOf(delta('a'))).not.toBe(deltaStreamOf(delta('a', 'm2')));
    expect(deltaStreamOf(started)).toBeUndefined();
    expect(deltaStreamOf(approval(1))).toBeUndefined();
  });
});
