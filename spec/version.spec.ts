import { PROTOCOL_VERSION } from '../lib/protocol/tables.generated';
import { assertServerVersion, compareVersions, MIN_SERVER_VERSION, serverAge, serverVersion, VersionMismatchError } from '../lib/version';

describe('version rules', () => {
  it('the minimum supported server is at least 0.169.0 and not newer than the pin', () => {
    expect(compareVersions(MIN_SERVER_VERSION, '0.169.0')).toBeGreaterThanOrEqual(0);
    expect(compareVersions(MIN_SERVER_VERSION, PROTOCOL_VERSION)).toBeLessThanOrEqual(0);
  });

  it.each([
    ['codex_cli_rs/0.171.0 (Debian 12.0.0; x86_64) xterm (codex_rx; 0.1.0)', '0.171.0'],
    ['codex_rx_e2e/0.169.0 (Linux)', '0.169.0'],
    ['t/1.2.3', '1.2.3'],
    ['codex/0.172.0-alpha.3 (Linux)', '0.172.0-alpha.3'],
    ['codex/v0.180.1', '0.180.1'],
    ['codex/007.01.0', '7.1.0'],
    ['some-fork (no version)', undefined],
    ['codex/0.171', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('serverVersion(%j) = %j', (userAgent, version) => {
    expect(serverVersion(userAgent)).toBe(version);
  });

  it('compares numerically, a prerelease before its release', () => {
    expect(compareVersions('0.171.0', '0.169.0')).toBeGreaterThan(0);
    expect(compareVersions('0.99.0', '0.100.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0', '0.999.999')).toBeGreaterThan(0);
    expect(compareVersions('0.171.0', '0.171.0')).toBe(0);
    expect(compareVersions('0.171.0-alpha.1', '0.171.0')).toBeLessThan(0);
    expect(compareVersions('0.171.0', '0.171.0-alpha.1')).toBeGreaterThan(0);
    expect(compareVersions('0.171.0-alpha.1', '0.171.0-alpha.2')).toBeLessThan(0);
    expect(compareVersions('0.172.0-alpha.1', '0.171.0')).toBeGreaterThan(0);
  });

  it('serverAge: newer, same, older or unknown, against the pin', () => {
    const [major, minor, patch] = PROTOCOL_VERSION.split('.').map(Number) as [number, number, number];
    expect(serverAge(`codex/${major}.${minor + 1}.0 (x)`)).toBe('newer');
    expect(serverAge(`codex/${major}.${minor}.${patch + 1} (x)`)).toBe('newer');
    expect(serverAge(`codex/${PROTOCOL_VERSION} (x)`)).toBe('same');
    expect(serverAge(`codex/${PROTOCOL_VERSION}-alpha.1 (x)`)).toBe('older');
    expect(serverAge('codex/0.169.0 (x)')).toBe('older');
    expect(serverAge('a fork')).toBe('unknown');
    expect(serverAge(undefined)).toBe('unknown');
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
