import { ReconnectSchedule } from '../../lib/rpc/reconnect-schedule.js';

describe('ReconnectSchedule (when the next connection attempt may start)', () => {
  const noJitter = () => 0.5; // random() = 0.5 → jitter 0: the bare doubling

  it('a drop of a working connection: the next attempt starts at once', () => {
    const schedule = new ReconnectSchedule({ newTransport: () => undefined as never, random: noJitter });
    schedule.dropped(true, 1_000);
    expect(schedule.wait(1_000)).toBeLessThanOrEqual(0);
  });

  it('failed attempts in a row: the wait doubles from initialDelayMs up to maxDelayMs; a success starts over', () => {
    const schedule = new ReconnectSchedule({ newTransport: () => undefined as never, initialDelayMs: 100, maxDelayMs: 350, random: noJitter });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      schedule.dropped(false, 0);
      waits.push(schedule.wait(0));
    }
    expect(waits).toEqual([100, 200, 350, 350]);
    schedule.succeeded();
    expect(schedule.wait(0)).toBe(0);
    schedule.dropped(false, 0);
    expect(schedule.wait(0)).toBe(100);
  });

  it('defaults: 250 ms first, ±50 % jitter from the given random source', () => {
    const low = new ReconnectSchedule({ newTransport: () => undefined as never, random: () => 0 });
    low.dropped(false, 0);
    expect(low.wait(0)).toBe(125);
    const high = new ReconnectSchedule({ newTransport: () => undefined as never, random: () => 0.999_999 });
    high.dropped(false, 0);
    expect(high.wait(0)).toBe(375);
  });
});
