import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated';
import { didYouMean, editDistance } from '../../lib/validation/did-you-mean';

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

  it('ignores case and counts a swap of neighbours as one edit (CodexConfig keys use it too)', () => {
    expect(didYouMean('URL', ['url', 'cwd'], 1)).toEqual(['url']);
    expect(didYouMean('cdw', ['cwd', 'env'], 1)).toEqual(['cwd']);
    expect(editDistance('cdw', 'cwd', 2)).toBe(1);
    expect(editDistance('abc', 'abc', 2)).toBe(0);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3); // gives up past the limit
  });
});
