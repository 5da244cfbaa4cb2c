// The public `validateParams` (codex-rx's main entry): a thin wrapper, kept in a file of its own for
// the bundle. Its checks are params-validator's (spec/validation/params-validator.spec.ts); this spec
// holds the wrapper to its contract: every argument reaches the check, and it never throws.
import * as entry from '../../lib/index.js';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated.js';
import { validateParams } from '../../lib/validation/validate-params.js';

const [MAJOR, MINOR] = PROTOCOL_VERSION.split('.').map(Number) as [number, number];
const newer = { userAgent: `codex_cli_rs/${MAJOR}.${MINOR + 1}.0 (Linux) codex-rx` };
const same = { userAgent: `codex_cli_rs/${PROTOCOL_VERSION} (Linux) codex-rx` };

describe('validateParams (the public entry)', () => {
  it('is what the main entry exports', () => {
    expect(entry.validateParams).toBe(validateParams);
  });

  it('answers undefined for conforming params and the issues of the others, with paths', () => {
    expect(validateParams('turn/interrupt', { threadId: 't', turnId: 'u' })).toBeUndefined();
    expect(validateParams('turn/interrupt', { threadId: 't', turnId: 7 })).toEqual([{ path: 'turnId', message: 'must be a string' }]);
    expect(validateParams('account/logout', { x: 1 })).toEqual([{ path: '', message: 'must be omitted: account/logout takes no params' }]);
  });

  it('refuses an unknown method with the closest names, unless the server it is given is newer', () => {
    const refused = [{ path: '', message: expect.stringMatching(/^"thread\/strat" is not part of the app-server protocol .*Did you mean "thread\/start"/) }];
    expect(validateParams('thread/strat', {})).toEqual(refused);
    expect(validateParams('thread/strat', {}, same)).toEqual([{ path: '', message: expect.stringContaining(`the server (codex ${PROTOCOL_VERSION}) is not newer`) }]);
    expect(validateParams('thread/strat', {}, newer)).toBeUndefined();
    // A newer server does not switch off the checks of the methods the protocol knows.
    expect(validateParams('turn/interrupt', {}, newer)).toEqual([
      { path: 'threadId', message: 'is required' },
      { path: 'turnId', message: 'is required' },
    ]);
  });

  it('never throws: a getter that throws is an issue', () => {
    const hostile = Object.defineProperty({ turnId: 'u' }, 'threadId', { enumerable: true, get: () => { throw new Error('boom'); } });
    let issues: ReturnType<typeof validateParams>;
    expect(() => (issues = validateParams('turn/interrupt', hostile))).not.toThrow();
    expect(issues).toEqual([{ path: '', message: 'could not be validated: boom' }]);
  });
});
