import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated';
import { didYouMean } from '../../lib/validation/did-you-mean';

const METHODS = Object.keys(CLIENT_PARAMS_DEFINITIONS);

describe('didYouMean', () => {
  it.each([
    ['turns/start', ['turn/start']],
    ['thread/strat', ['thread/start']],
    ['thread/realtime/lists', ['thread/realtime/list']],
    ['Thread/Start', ['thread/start']],
    ['thread/list/realtime', ['thread/realtime/list']],
  ])('%s → %j first', (typo, expected) => {
    expect(didYouMean(typo, METHODS).slice(0, expected.length)).toEqual(expected);
  });

  it('at most `max` names, best first, each a known name', () => {
    const out = didYouMean('thread/rea', METHODS, 2);
    expect(out.length).toBeLessThanOrEqual(2);
    for (const m of out) expect(METHODS).toContain(m);
    expect(out[0]).toBe('thread/read');
  });

  it('nothing when no name is close', () => {
    expect(didYouMean('completely/unrelated/thing', METHODS)).toEqual([]);
    expect(didYouMean('x', [])).toEqual([]);
  });
});
