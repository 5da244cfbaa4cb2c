import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated';
import { compareVersions, serverAge, serverVersion } from '../../lib/protocol/server-version';

describe('server versions', () => {
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
});
