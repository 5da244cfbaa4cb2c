import { ReplayRing } from '../../lib/gateway/replay-ring.js';

const delta = (turnId: string, itemId: string, d: string) => JSON.stringify({ method: 'item/agentMessage/delta', params: { threadId: 't', turnId, itemId, delta: d } });

describe('ReplayRing', () => {
  it("returns a turn's frames about unfinished items, in order, as they came (text or bytes)", () => {
    const ring = new ReplayRing(1 << 20);
    const frames = [
      JSON.stringify({ method: 'item/started', params: { item: { id: 'u' }, threadId: 't', turnId: 'a' } }),
      JSON.stringify({ method: 'item/started', params: { item: { id: 'm' }, threadId: 't', turnId: 'a' } }),
      delta('a', 'm', 'He'),
      delta('b', 'x', 'other turn'),
      Buffer.from(delta('a', 'm', 'llo')),
      JSON.stringify({ method: 'turn/plan/updated', params: { turnId: 'a' } }),
    ];
    for (const f of frames) ring.push(f);
    expect(ring.itemsOfTurn('a', new Set(['u']))).toEqual([frames[1], frames[2], frames[4]]);
  });

  it('drops the oldest frames past its byte bound', () => {
    const one = delta('a', 'm', 'x');
    const ring = new ReplayRing(one.length * 3);
    for (let i = 0; i < 5000; i++) ring.push(delta('a', 'm', String(i % 10)));
    const kept = ring.itemsOfTurn('a', new Set());
    expect(kept).toHaveLength(3);
    expect(kept.map((f) => JSON.parse(String(f)).params.delta)).toEqual(['7', '8', '9']);
  });

  it('keeps nothing with a bound of 0', () => {
    const ring = new ReplayRing(0);
    ring.push(delta('a', 'm', 'x'));
    expect(ring.itemsOfTurn('a', new Set())).toEqual([]);
  });
});
