import { PROTOCOL_VERSION } from '../lib/protocol/tables.generated';
import { assertServerVersion, compareVersions, MIN_SERVER_VERSION, VersionMismatchError } from '../lib/version';

describe('version rules', () => {
  it('the minimum supported server is at least 0.169.0 and not newer than the pin', () => {
    expect(compareVersions(MIN_SERVER_VERSION, '0.169.0')).toBeGreaterThanOrEqual(0);
    expect(compareVersions(MIN_SERVER_VERSION, PROTOCOL_VERSION)).toBeLessThanOrEqual(0);
  });

  it('assertServerVersion: below the minimum → VersionMismatchError; at or above it (or unparseable) passes', () => {
    expect(() => assertServerVersion(`codex/${MIN_SERVER_VERSION} (x)`)).not.toThrow();
    expect(() => assertServerVersion(`codex/${PROTOCOL_VERSION} (x)`)).not.toThrow();
    expect(() => assertServerVersion('codex/99.0.0 (x)')).not.toThrow();
    expect(() => assertServerVersion('no version')).not.toThrow();
    let error: unknown;
    try {
      assertServerVersion('codex/0.168.9 (x)');
    } catch (e) {
      error = e;
    }
    expect(VersionMismatchError.is(error)).toBe(true);
    expect(error).toMatchObject({ serverVersion: '0.168.9', minimumVersion: MIN_SERVER_VERSION, sdkProtocolVersion: PROTOCOL_VERSION });
    expect((error as Error).message).toBe(
      `codex app-server 0.168.9 is older than ${MIN_SERVER_VERSION}, the oldest codex-rx supports (its protocol comes from codex ${PROTOCOL_VERSION}); install @openai/codex@${PROTOCOL_VERSION} or newer`,
    );
  });
});
