import { CodexError } from '../../lib/errors';
import { isMissingModule, missingPeerError, requireOptionalPeer } from '../../lib/node/optional-peer';

describe('optional peer dependencies (ws, jose)', () => {
  it('loads an installed peer relative to codex-rx', () => {
    expect(typeof requireOptionalPeer<unknown>('ws')).toBe('function');
  });

  it('answers undefined for a peer that is not installed', () => {
    expect(requireOptionalPeer('codex-rx-no-such-peer')).toBeUndefined();
  });

  it('tells "the peer is missing" from "something inside it is missing"', () => {
    let missing: unknown;
    try {
      require('codex-rx-no-such-peer');
    } catch (e) {
      missing = e;
    }
    expect(isMissingModule(missing, 'codex-rx-no-such-peer')).toBe(true);
    expect(isMissingModule(missing, 'ws')).toBe(false);
    expect(isMissingModule(new Error("Cannot find module 'ws'"), 'ws')).toBe(false); // no code: not a resolution failure
    expect(isMissingModule(undefined, 'ws')).toBe(false);
  });

  it('names what the peer is for and the command that installs it', () => {
    const e = missingPeerError('jose', 'signedBearerToken');
    expect(CodexError.is(e)).toBe(true);
    expect(e.message).toBe('signedBearerToken needs the optional peer dependency `jose`: npm install jose');
  });
});
